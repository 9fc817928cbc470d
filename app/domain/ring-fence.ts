import type { ChannelSales } from "./channels";
import type { CompiledChannel } from "./compile-policy";
import { reserveSizingText, unitsText, withLine, type LineCache, type ReserveSizing } from "./explain";
import { levelsInOrder, withholdInOrder, type LevelWork } from "./protection";
import type { ChannelRule, ExplainLine, LevelPlan, Policy, PublishedReserve } from "./types";

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
  /** For a self-sizing reserve: why it is this size (explain.ts `reserveSizingText`). */
  readonly sizing?: string;
  /**
   * Of `units`, those held only because the channel may still sell from an older, larger listing:
   * nobody lists them (not the channel, whose number already shrank, nor the others) until it has
   * read the new one (`heldReserve`).
   */
  readonly unlisted?: number;
  /** The channel's fence was skipped (0 units, no location): the product is not published there (docs/decisions/045). */
  readonly notPublished?: true;
}

export const NO_FENCES: readonly FencedUnits[] = Object.freeze([]);

/** A fencing channel and its line-cache slot (the slot its waterfall leaves free for the fence). */
export interface FencingChannel {
  readonly channel: CompiledChannel;
  readonly slot: number;
}

export const FENCE_REASON = (units: number, channel: string): string => `${unitsText(units)} ring-fenced for ${channel}: other channels cannot sell them`;

/** Why a channel's fence holds nothing for a product that is not on the channel (docs/decisions/045). */
export const NOT_PUBLISHED_FENCE_REASON = (channel: string): string => `not published on ${channel}: nothing ring-fenced`;

/** The fence's line with, for a self-sizing reserve, why it is that size. */
export const fenceReason = (units: number, channel: string, sizing: string | undefined): string =>
  sizing === undefined ? FENCE_REASON(units, channel) : `${FENCE_REASON(units, channel)}; ${sizing}`;

/**
 * A reserve that sizes itself (docs/policy.md § 4 "A reserve that sizes itself"): what the channel
 * can sell from one copy of its number, i.e. its own measured rate over its refresh window plus
 * the measured sync lag (a number it reads is already that old), rounded up, bounded by the
 * merchant's minimum and cap (`ringFenceUnits`). Its own rate, because the fence only has to last
 * the channel until its next read: the other channels cannot sell it. Without a split by channel,
 * the item's whole rate counts (a larger reserve, never a smaller one), as in the refresh window.
 * Float noise is rounded away first (as for velocity buffers), so 0.1 × 30 keeps 3, not 4.
 */
export function measuredReserve(rule: ChannelRule, channel: string, sales: ChannelSales): ReserveSizing {
  const refreshSeconds = rule.refreshSeconds ?? 0;
  const own = sales.byChannel === undefined ? sales.unitsPerMinute : (sales.byChannel[channel] ?? 0);
  const canSell = Math.round(((own * (refreshSeconds + sales.syncLagSeconds)) / 60) * 1e9) / 1e9;
  const maxUnits = rule.ringFenceUnits ?? 0;
  const minUnits = Math.min(rule.ringFenceMinUnits ?? 0, maxUnits);
  const rated = Math.max(minUnits, Math.ceil(canSell));
  const listing = listingFloor(sales.published?.[channel] ?? [], sales.nowMs, reserveWindowMs(rule, sales));
  const units = Math.min(maxUnits, Math.max(rated, listing?.floor ?? 0));
  const held = Math.min(maxUnits, heldReserve(sales.published?.[channel] ?? [], sales.nowMs, reserveWindowMs(rule, sales)));
  const sizing: ReserveSizing = { channel, ownPerMinute: own, refreshSeconds, syncLagSeconds: sales.syncLagSeconds, canSell, units, minUnits, maxUnits, heldUnits: Math.max(0, held - units) };
  return listing !== undefined && listing.floor > rated ? { ...sizing, listing: { units: listing.listed, because: listing.because } } : sizing;
}

/**
 * What the listing in force says about the channel's demand (docs/decisions/032 "Sized from
 * demand"). The measured rate only counts what the channel sold, and it cannot sell more than it
 * lists: a channel that sells its whole listing before its next read shows a rate of about one
 * listing per read, whatever its buyers wanted. So a listing it sold out is doubled (its demand was
 * at least that; doubling reaches the cap in a few reads and stops growing once a listing lasts),
 * and a listing younger than one read cycle (R + lag) is kept: the channel has not yet had the
 * chance to sell it, so its rate says nothing about it yet. Shrinking therefore waits a full read
 * cycle, which is also when the connector has certainly read the listing it replaces.
 */
function listingFloor(published: readonly PublishedReserve[], nowMs: number | undefined, windowMs: number): { floor: number; listed: number; because: "soldOut" | "young" } | undefined {
  if (nowMs === undefined || published.length === 0) return undefined;
  let current = published[0]!;
  for (const listing of published) if (listing.publishedAtMs >= current.publishedAtMs) current = listing;
  const young = nowMs - current.publishedAtMs < windowMs;
  if (current.units > 0 && young && (current.soldSince ?? 0) >= current.units) return { floor: 2 * current.units, listed: current.units, because: "soldOut" };
  if (young) return { floor: current.units, listed: current.units, because: "young" };
  return undefined;
}

/** How long a listing may still be sold from after it was replaced: the channel's next read (R) plus the sync lag. */
const reserveWindowMs = (rule: ChannelRule, sales: ChannelSales): number => ((rule.refreshSeconds ?? 0) + sales.syncLagSeconds) * 1000;

/** When each listing stopped being the one in force: the next one's publication (the last is still in force). */
function listingsWithEnds(published: readonly PublishedReserve[]): { units: number; publishedAtMs: number; soldSinceReplaced?: number; endMs: number }[] {
  const sorted = [...published].sort((a, b) => a.publishedAtMs - b.publishedAtMs);
  return sorted.map((p, i) => ({ ...p, endMs: sorted[i + 1]?.publishedAtMs ?? Number.POSITIVE_INFINITY }));
}

/**
 * The most the channel may still sell from a listing it read before (docs/decisions/032 "Held at
 * its peak", "Held until read or sold"): a listing replaced at time t can be in the connector's
 * copy until t + R + lag (the new number reaches it after the lag, and it reads at most R later).
 * Releasing those units sooner lets the other channels sell what the connector still shows: sold
 * twice. But the copy only shrinks as the channel sells: a copy read before t + lag has at most the
 * listing less what the channel sold since t + lag left (`soldSinceReplaced`), so only that is
 * held. The listing in force counts whole. Without a clock (no `nowMs`) nothing is held.
 */
export function heldReserve(published: readonly PublishedReserve[], nowMs: number | undefined, windowMs: number): number {
  if (nowMs === undefined) return 0;
  let peak = 0;
  for (const listing of listingsWithEnds(published)) if (nowMs - listing.endMs < windowMs) peak = Math.max(peak, listing.units - (listing.soldSinceReplaced ?? 0));
  return peak;
}

/**
 * What the app stores after this plan: the listings still within R + lag of being replaced, and
 * the one listed now (a new entry only when it changed, so a steady reserve keeps its first time).
 */
export function reserveHistoryAfter(rule: ChannelRule, channel: string, sales: ChannelSales, listedNow: number): readonly PublishedReserve[] | undefined {
  const nowMs = sales.nowMs;
  if (nowMs === undefined) return undefined;
  const windowMs = reserveWindowMs(rule, sales);
  const kept: PublishedReserve[] = listingsWithEnds(sales.published?.[channel] ?? [])
    .filter((listing) => nowMs - listing.endMs < windowMs)
    .map(({ units, publishedAtMs }) => ({ units, publishedAtMs }));
  if (kept.at(-1)?.units !== listedNow) kept.push({ units: listedNow, publishedAtMs: nowMs });
  return kept;
}

/** The units a channel's fence asks for this item, how many of them it lists, and why when it sized itself. */
function fenceWanted(channel: CompiledChannel, sales: ChannelSales | undefined): { units: number; listed: number; sizing: string | undefined } {
  const rule = channel.rule!;
  if (rule.ringFenceSizing !== "measured" || sales === undefined) return { units: rule.ringFenceUnits!, listed: rule.ringFenceUnits!, sizing: undefined };
  const sized = measuredReserve(rule, channel.channel, sales);
  return { units: sized.units + sized.heldUnits, listed: sized.units, sizing: reserveSizingText(sized) };
}

/**
 * Whether a channel rule's fence is in force: it asks for units (`ringFenceUnits` > 0; a reserve
 * that sizes itself has its cap there, docs/policy.md § 4) and the channel is not paused. The one
 * definition behind `fencingChannels` (the plan) and `policyHasFence` (webhook processing).
 */
export function ruleFences(rule: ChannelRule | undefined): boolean {
  return rule?.ringFenceUnits !== undefined && rule.ringFenceUnits > 0 && rule.paused !== true;
}

/**
 * Whether a policy has a fence in force: then where a product is published changes its plan (a
 * fence skips a product not published on its channel, docs/decisions/045).
 */
export const policyHasFence = (policy: Policy): boolean => policy.channels.some(ruleFences);

/**
 * The channels whose fences apply, in the order they take stock where their locations overlap:
 * by tier (1 first; no tier last), then by name. Not policy order: the order of rules in the file
 * never changes a plan. A manually paused channel keeps no fence: it sells nothing, so holding
 * stock for it would only withhold sales from the others.
 */
export function fencingChannels(channels: readonly CompiledChannel[], slotOf: (index: number) => number): FencingChannel[] {
  const out: FencingChannel[] = [];
  channels.forEach((channel, index) => {
    if (ruleFences(channel.rule)) out.push({ channel, slot: slotOf(index) });
  });
  const tier = (c: FencingChannel) => c.channel.rule?.tier ?? Number.POSITIVE_INFINITY;
  return out.sort((a, b) => tier(a) - tier(b) || (a.channel.channel < b.channel.channel ? -1 : a.channel.channel > b.channel.channel ? 1 : 0));
}

/** The channels whose fences apply (`fencingChannels`), by handle: the IO reads their publications only (docs/decisions/045). */
export const fencedChannelNames = (channels: readonly CompiledChannel[]): string[] => fencingChannels(channels, () => 0).map((fencing) => fencing.channel.channel);

/**
 * Fences each channel's units at the item's levels out[from, to) (already protected) and returns
 * where they went. The fence is min(N, what the channel's locations still have to sell), taken
 * from its locations in a fixed order: the rule's `locations` as given, else by name (as a
 * quarantine). It only moves sellable units into protection, so it never makes anything negative
 * nor safety_stock exceed what is there; when the channel's own sales leave less than N, the fence
 * is what is left.
 */
export function applyRingFences(
  fencing: readonly FencingChannel[],
  out: LevelPlan[],
  from: number,
  to: number,
  lines: LineCache,
  /** The item's measured sales and the sync lag: a self-sizing reserve is sized from them. */
  sales?: ChannelSales,
  /** Channels the item's product is known not to be published on (`Item.unpublishedChannels`). */
  unpublished?: readonly string[],
): readonly FencedUnits[] {
  let placed: FencedUnits[] | undefined;
  const work = out.slice(from, to) as LevelWork[];
  for (const { channel, slot } of fencing) {
    const name = channel.channel;
    const ordered = levelsInOrder(work, channel.rule?.locations, channel.locations);
    // Nobody can buy the product on a channel it is not on: a fence would only withhold it from
    // the channels that do sell it (docs/decisions/045). Not read (absent) keeps the fence.
    if (unpublished?.includes(name) === true) {
      for (const level of ordered) level.explain = withLine(level.explain, [{ rule: "ring_fence", scope: name, units: 0, reason: NOT_PUBLISHED_FENCE_REASON(name) }]);
      (placed ??= []).push({ channel: name, location: "", units: 0, notPublished: true });
      continue;
    }
    const { units: wanted, listed, sizing } = fenceWanted(channel, sales);
    // A sized reserve's sentence depends on the item's rate, so its lines are not cached.
    const taken = withholdInOrder(ordered, wanted, (units) =>
      sizing !== undefined
        ? oneLine({ rule: "ring_fence", scope: name, units, reason: fenceReason(units, name, sizing) })
        : (lines.get(slot, 0, units) ?? lines.set(slot, 0, units, { rule: "ring_fence", scope: name, units, reason: FENCE_REASON(units, name) })),
    );
    // Held units beyond today's size come off the channel's listing, from the last location taken.
    const offs = unlistedPerLevel(taken.map((t) => t.units), listed);
    taken.forEach(({ level, units }, i) => {
      const fence: FencedUnits = sizing === undefined ? { channel: name, location: level.location, units } : { channel: name, location: level.location, units, sizing };
      (placed ??= []).push(offs[i]! > 0 ? { ...fence, unlisted: offs[i] } : fence);
    });
  }
  return placed ?? NO_FENCES;
}

/** Units beyond `listed` per taken level, counted from the last level back. */
function unlistedPerLevel(units: readonly number[], listed: number): number[] {
  let surplus = units.reduce((sum, u) => sum + u, 0) - listed;
  const offs = units.map(() => 0);
  for (let i = units.length - 1; i >= 0 && surplus > 0; i--) {
    offs[i] = Math.min(surplus, units[i]!);
    surplus -= offs[i]!;
  }
  return offs;
}

function oneLine(line: ExplainLine): readonly ExplainLine[] {
  return [line];
}

/** What one channel sees of the item's fences: its own units, and the other channels' within its reach. */
export function fencesSeenBy(channel: CompiledChannel, fences: readonly FencedUnits[]): { own: number; ownSizing?: string; ownNotPublished?: true; others: Map<string, number> | undefined } {
  let own = 0;
  let ownSizing: string | undefined;
  let others: Map<string, number> | undefined;
  let ownNotPublished: true | undefined;
  const reach = channel.locations;
  for (const fence of fences) {
    if (fence.notPublished === true) {
      if (fence.channel === channel.channel) ownNotPublished = true;
      continue;
    }
    if (fence.channel === channel.channel) {
      own += fence.units - (fence.unlisted ?? 0);
      ownSizing ??= fence.sizing;
    }
    else if (reach === undefined || reach.has(fence.location)) (others ??= new Map()).set(fence.channel, (others.get(fence.channel) ?? 0) + fence.units);
  }
  if (ownNotPublished) return { own, ownNotPublished, others };
  return ownSizing === undefined ? { own, others } : { own, ownSizing, others };
}
