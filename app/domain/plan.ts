import { allocateChannelsInto, channelSalesOf, locationsOf, RING_FENCE, STEPS, withReach, type ChannelKind, type HoldTotal } from "./channels";
import { LineCache } from "./explain";
import type { CompiledChannel, CompiledPolicy } from "./compile-policy";
import { identityOf } from "./identity";
import { protectionContext, protectLevelsOfItem } from "./protection";
import { applyRingFences, fencingChannels, NO_FENCES } from "./ring-fence";
import { parseInstant, toEpochMs } from "./time";
import type { ChannelPlan, Hold, Item, Level, LevelPlan, Plan, Snapshot } from "./types";

export interface PlanOptions {
  /** The instant the plan is for (ISO-8601 with offset, or epoch ms). Holds and quarantine waves are judged against it. */
  readonly now: string | number;
}

/**
 * Location protection and channel availability for every inventory item in the snapshot.
 * Pure over (policy, snapshot, now): the sync pipeline can call it with a snapshot holding just the
 * inventory items that changed. Each item is planned on its own stock, whatever its SKU: variants
 * sharing a SKU (or with none) never pool (docs/decisions/020); a rule scoped to a SKU
 * applies to each of them. Output is grouped by item in order of first appearance in `levels`;
 * channels follow the policy's order, then channels the snapshot lists without a rule (shared pool).
 * Inputs must have passed `checkPolicy` / `validateSnapshot`.
 */
export function planAvailability(compiled: CompiledPolicy, snapshot: Snapshot, options: PlanOptions): Plan {
  const nowMs = toEpochMs(options.now);
  const ctx = protectionContext(compiled, { now: nowMs, syncLagMinutes: snapshot.syncLagMinutes });

  // Item data by identity, as a position in `itemList` (the last of duplicates wins), so a walk can
  // mark the items it has seen in a byte array instead of a set of 300,000 strings.
  const itemList = snapshot.items ?? [];
  const itemIndex = new Map<string, number>();
  for (let i = 0; i < itemList.length; i++) itemIndex.set(identityOf(itemList[i]!), i);

  const holdsByItem = activeHoldsByItem(snapshot.holds ?? [], nowMs);
  const channels = plannedChannels(compiled, snapshot);
  const walk: Walk = {
    ctx,
    itemList,
    itemIndex,
    holdsByItem,
    channels,
    channelLines: new LineCache(),
    // Only a refresh-window rule reads sales rates: skip building them per item otherwise.
    // (A self-sizing reserve needs `refreshSeconds`, so it is covered by the same test.)
    refreshing: channels.some((channel) => channel.rule?.refreshSeconds !== undefined),
    // Fences use the slot each channel's waterfall leaves free in the shared line cache.
    fencing: fencingChannels(channels, (index) => index * STEPS + RING_FENCE),
    syncLagMinutes: snapshot.syncLagMinutes,
    nowMs,
  };
  // Snapshots from the sync pipeline come with each item's levels next to each other, and the walk
  // checks that as it goes; any other order is grouped first (in order of first appearance) and
  // walked again. The line caches only hold lines for their keys, so the result is the same.
  return walkLevels(walk, snapshot.levels) ?? walkLevels(walk, regroup(snapshot.levels))!;
}

interface Walk {
  readonly ctx: ReturnType<typeof protectionContext>;
  readonly itemList: readonly Item[];
  readonly itemIndex: ReadonlyMap<string, number>;
  readonly holdsByItem: ReadonlyMap<string, HoldTotal[]>;
  readonly channels: readonly CompiledChannel[];
  readonly channelLines: LineCache;
  readonly refreshing: boolean;
  readonly fencing: ReturnType<typeof fencingChannels>;
  readonly syncLagMinutes: number;
  readonly nowMs: number;
}

const NO_HOLDS: readonly HoldTotal[] = [];

/** Plans runs of one item's levels; level i of the input becomes level i of the output. Null when an item's levels are not all in one run. */
function walkLevels(walk: Walk, levels: readonly Level[]): Plan | null {
  const { ctx, itemList, itemIndex, holdsByItem, channels, channelLines, refreshing, fencing } = walk;
  const levelsOut: LevelPlan[] = [];
  const channelsOut: ChannelPlan[] = [];
  const seen = new Uint8Array(itemList.length);
  /** Items with levels but no item data (rare): seen by identity. */
  let seenWithoutData: Set<string> | undefined;
  for (let from = 0; from < levels.length; ) {
    const first = levels[from]!;
    const id = identityOf(first);
    let to = from + 1;
    while (to < levels.length && identityOf(levels[to]!) === id) to++;
    const index = itemIndex.get(id);
    let item: Item | undefined;
    if (index !== undefined) {
      if (seen[index] === 1) return null;
      seen[index] = 1;
      item = itemList[index];
    } else {
      seenWithoutData ??= new Set();
      if (seenWithoutData.has(id)) return null;
      seenWithoutData.add(id);
    }
    protectLevelsOfItem(ctx, id, first.sku, levels, from, to, item, levelsOut);
    // Fences come on top of location protection, from what it leaves to sell, and before any
    // channel's pool is summed, so no other channel's pool can include them.
    const sales = refreshing ? channelSalesOf(item, walk.syncLagMinutes, walk.nowMs) : undefined;
    const fences = fencing.length > 0 ? applyRingFences(fencing, levelsOut, from, to, channelLines, sales, item?.unpublishedChannels) : NO_FENCES;
    allocateChannelsInto(channelsOut, channels, id, first.sku, levelsOut, from, to, holdsByItem.get(id) ?? NO_HOLDS, channelLines, sales, fences);
    from = to;
  }
  return { levels: levelsOut, channels: channelsOut };
}

function regroup(levels: readonly Level[]): Level[] {
  const byItem = new Map<string, Level[]>();
  for (const level of levels) {
    const id = identityOf(level);
    const group = byItem.get(id);
    if (group === undefined) byItem.set(id, [level]);
    else group.push(level);
  }
  return [...byItem.values()].flat();
}

/** A hold counts while now < expiresAt; summed per item and holding channel, sorted so input order never matters. */
function activeHoldsByItem(holds: readonly Hold[], nowMs: number): Map<string, HoldTotal[]> {
  const totals = new Map<string, Map<string, number>>();
  for (const hold of holds) {
    const expires = parseInstant(hold.expiresAt);
    if (expires === undefined || expires <= nowMs || hold.units <= 0) continue;
    const id = identityOf(hold);
    let byChannel = totals.get(id);
    if (byChannel === undefined) totals.set(id, (byChannel = new Map()));
    byChannel.set(hold.channel, (byChannel.get(hold.channel) ?? 0) + hold.units);
  }
  const result = new Map<string, HoldTotal[]>();
  for (const [id, byChannel] of totals) {
    const list = [...byChannel].map(([channel, units]) => ({ channel, units }));
    list.sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
    result.set(id, list);
  }
  return result;
}

/**
 * Policy channels first, then channels known only from the snapshot (no rule: the whole pool),
 * each limited to the locations that can fill its orders.
 */
function plannedChannels(compiled: CompiledPolicy, snapshot: Snapshot): readonly CompiledChannel[] {
  const extra = snapshot.channels ?? [];
  const named = new Set(compiled.channels.map((c) => c.channel));
  const all: CompiledChannel[] = [...compiled.channels];
  for (const channel of extra) {
    if (named.has(channel)) continue;
    named.add(channel);
    all.push({ channel, rule: undefined, locations: undefined });
  }
  const locations = locationsOf(snapshot);
  const shared = new Map<ChannelKind, CompiledChannel>();
  return all.map((channel) => withReach(channel, locations, shared));
}
