import type { CompiledChannel } from "./compile-policy";
import { unitsText, type LineCache } from "./explain";
import { levelsInOrder, withholdInOrder, type LevelWork } from "./protection";
import type { LevelPlan } from "./types";

/**
 * Ring fences (docs/policy.md § 4 "Ring fence"): units at a channel's locations that only that
 * channel may sell. They are location protection (Shopify's `safety_stock`), so web checkout, POS
 * and B2B, which obey Shopify's `available`, cannot sell them, and every other channel's pool,
 * summed from location available, leaves them out. The fenced channel gets them back on top of
 * what its waterfall gives it from the shared rest.
 */

/** Units fenced for one channel at one location of the inventory item being planned. */
export interface FencedUnits {
  readonly channel: string;
  readonly location: string;
  readonly units: number;
}

export const NO_FENCES: readonly FencedUnits[] = Object.freeze([]);

/** A fencing channel and its line-cache slot (the slot its waterfall leaves free for the fence). */
export interface FencingChannel {
  readonly channel: CompiledChannel;
  readonly slot: number;
}

export const FENCE_REASON = (units: number, channel: string): string => `${unitsText(units)} ring-fenced for ${channel}: other channels cannot sell them`;

/**
 * The channels whose fences apply, in the order they take stock where their locations overlap:
 * by tier (1 first; no tier last), then by name. Not policy order: the order of rules in the file
 * never changes a plan. A manually paused channel keeps no fence: it sells nothing, so holding
 * stock for it would only withhold sales from the others.
 */
export function fencingChannels(channels: readonly CompiledChannel[], slotOf: (index: number) => number): FencingChannel[] {
  const out: FencingChannel[] = [];
  channels.forEach((channel, index) => {
    const rule = channel.rule;
    if (rule?.ringFenceUnits !== undefined && rule.ringFenceUnits > 0 && rule.paused !== true) out.push({ channel, slot: slotOf(index) });
  });
  const tier = (c: FencingChannel) => c.channel.rule?.tier ?? Number.POSITIVE_INFINITY;
  return out.sort((a, b) => tier(a) - tier(b) || (a.channel.channel < b.channel.channel ? -1 : a.channel.channel > b.channel.channel ? 1 : 0));
}

/**
 * Fences each channel's units at the item's levels out[from, to) (already protected) and returns
 * where they went. The fence is min(N, what the channel's locations still have to sell), taken
 * from its locations in a fixed order: the rule's `locations` as given, else by name (as a
 * quarantine). It only moves sellable units into protection, so it never makes anything negative
 * nor safety_stock exceed what is there; when the channel's own sales leave less than N, the fence
 * is what is left.
 */
export function applyRingFences(fencing: readonly FencingChannel[], out: LevelPlan[], from: number, to: number, lines: LineCache): readonly FencedUnits[] {
  let placed: FencedUnits[] | undefined;
  const work = out.slice(from, to) as LevelWork[];
  for (const { channel, slot } of fencing) {
    const name = channel.channel;
    const ordered = levelsInOrder(work, channel.rule?.locations, channel.locations);
    const taken = withholdInOrder(ordered, channel.rule!.ringFenceUnits!, (units) =>
      lines.get(slot, 0, units) ?? lines.set(slot, 0, units, { rule: "ring_fence", scope: name, units, reason: FENCE_REASON(units, name) }),
    );
    for (const { level, units } of taken) (placed ??= []).push({ channel: name, location: level.location, units });
  }
  return placed ?? NO_FENCES;
}

/** What one channel sees of the item's fences: its own units, and the other channels' within its reach. */
export function fencesSeenBy(channel: CompiledChannel, fences: readonly FencedUnits[]): { own: number; others: Map<string, number> | undefined } {
  let own = 0;
  let others: Map<string, number> | undefined;
  const reach = channel.locations;
  for (const fence of fences) {
    if (fence.channel === channel.channel) own += fence.units;
    else if (reach === undefined || reach.has(fence.location)) (others ??= new Map()).set(fence.channel, (others.get(fence.channel) ?? 0) + fence.units);
  }
  return { own, others };
}
