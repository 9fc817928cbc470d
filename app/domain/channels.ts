import type { CompiledChannel } from "./compile-policy";
import { appendLine, cappedNote, formatDuration, formatRatePerSecond, LineCache, NO_LINES, unitsText, withLine } from "./explain";
import { FENCE_REASON, fenceReason, fencesSeenBy, NO_FENCES, NOT_PUBLISHED_FENCE_REASON, reserveHistoryAfter, type FencedUnits } from "./ring-fence";
import type { ChannelPlan, ExplainLine, Item, LevelPlan, LocationInfo, PublishedReserve, Snapshot } from "./types";

/**
 * Where a channel's orders can be filled decides what it may sell (docs/decisions/012 § Sales channels):
 * - online channels (Online Store, marketplaces, wholesale, other apps' channels): Shopify routes
 *   their orders only to locations with `fulfillsOnlineOrders`, and a marketplace connector lists
 *   what it reads at the locations it fulfils from;
 * - Point of Sale sells from the store it stands in. Shopify's API does not say which locations run
 *   POS, so the POS channel draws on every active location (a policy's `locations` narrows it to the
 *   stores), and each store is protected by its own location rules: POS checkouts read that store's
 *   Shopify `available`, which location protection sets. The POS channel number is therefore the
 *   sum over its stores, for the merchant's information.
 */
export type ChannelKind = "online" | "pos";

/** Handles the app derives from the Point of Sale publication ("Point of Sale" → point_of_sale). */
const POS_HANDLES: ReadonlySet<string> = new Set(["point_of_sale", "pos"]);

export function channelKind(channel: string): ChannelKind {
  return POS_HANDLES.has(channel) ? "pos" : "online";
}

/** A location's capabilities with the defaults of the snapshot format filled in. */
export interface LocationCapabilities {
  readonly active: boolean;
  readonly fulfillsOnlineOrders: boolean;
}

/** Why a channel of this kind cannot sell from the location ("does not fulfil online orders"), or undefined. */
export function unreachableBecause(kind: ChannelKind, location: LocationCapabilities): string | undefined {
  if (!location.active) return "is not active";
  if (kind === "online" && !location.fulfillsOnlineOrders) return "does not fulfil online orders";
  return undefined;
}

/** Every location the snapshot knows (its `locations`, then those only in `levels`), with capabilities. */
export function locationsOf(snapshot: Pick<Snapshot, "levels" | "locations">): Map<string, LocationCapabilities> {
  const out = new Map<string, LocationCapabilities>();
  for (const entry of snapshot.locations ?? []) {
    const info: LocationInfo = typeof entry === "string" ? { name: entry } : entry;
    out.set(info.name, { active: info.active ?? true, fulfillsOnlineOrders: info.fulfillsOnlineOrders ?? true });
  }
  for (const level of snapshot.levels) {
    if (!out.has(level.location)) out.set(level.location, { active: true, fulfillsOnlineOrders: true });
  }
  return out;
}

/**
 * The channel as planned against these locations: `locations` becomes the set it may draw from
 * (the rule's narrowing, within what can fill its orders) and `unreachable` names what was left
 * out and why. A channel that can reach every location keeps `locations` undefined (fast path).
 */
export function withReach(
  channel: CompiledChannel,
  locations: ReadonlyMap<string, LocationCapabilities>,
  /** Shared by the channels of one plan: channels of one kind without a narrowing share one reach. */
  shared: Map<ChannelKind, CompiledChannel> = new Map(),
): CompiledChannel {
  const kind = channelKind(channel.channel);
  const narrowed = channel.locations !== undefined;
  const same = narrowed ? undefined : shared.get(kind);
  if (same !== undefined) {
    return same.unreachable === undefined ? channel : { ...channel, locations: same.locations, unreachable: same.unreachable, reachText: same.reachText };
  }
  const unreachable: { location: string; because: string }[] = [];
  const reach = new Set<string>();
  for (const [name, capabilities] of locations) {
    const because = unreachableBecause(kind, capabilities);
    if (because !== undefined) unreachable.push({ location: name, because });
    else if (!narrowed || channel.locations!.has(name)) reach.add(name);
  }
  let planned = channel;
  if (unreachable.length > 0) {
    unreachable.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
    planned = { ...channel, locations: reach, unreachable, reachText: reachText([...reach].sort(), unreachable) };
  }
  if (!narrowed) shared.set(kind, planned);
  return planned;
}

/** "at Warehouse; Soho store and Brooklyn store do not fulfil online orders". */
function reachText(reach: readonly string[], unreachable: readonly { location: string; because: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const entry of unreachable) {
    const list = byReason.get(entry.because) ?? [];
    list.push(entry.location);
    byReason.set(entry.because, list);
  }
  const parts = [...byReason].map(([because, names]) => `${listText(names)} ${names.length > 1 ? plural(because) : because}`);
  const where = reach.length > 0 ? `at ${listText(reach)}` : "(no location can fill its orders)";
  return `${where}; ${parts.join("; ")}`;
}

function listText(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** "does not fulfil" → "do not fulfil", "is not active" → "are not active". */
function plural(because: string): string {
  return because.replace(/^does /, "do ").replace(/^is /, "are ");
}

/** Active hold units of one inventory item, summed per holding channel and sorted by channel name. */
export interface HoldTotal {
  readonly channel: string;
  readonly units: number;
}

/** What the refresh-window step needs of one inventory item: its measured sales and the measured sync lag. */
export interface ChannelSales {
  /** The item's sales across every channel (Item.unitsPerMinute). */
  readonly unitsPerMinute: number;
  /** Recent rate per selling channel (Item.unitsPerMinuteByChannel), when known. */
  readonly byChannel?: Readonly<Record<string, number>>;
  /** Measured delay before a change reaches the channels (Snapshot.syncLagMinutes), in seconds. */
  readonly syncLagSeconds: number;
  /** Self-sizing reserves listed per channel (Item.publishedReserves) and the plan's time: a reserve is held at their peak. */
  readonly published?: Readonly<Record<string, readonly PublishedReserve[]>>;
  readonly nowMs?: number;
}

export const NO_SALES: ChannelSales = { unitsPerMinute: 0, syncLagSeconds: 0 };

/**
 * Units the other channels are expected to sell while a channel's copy is stale: their rate
 * × (R + measured sync lag), rounded up. The other channels' rate is the sum of the split by
 * channel without this channel's own; without a split the item's whole rate counts (more cover,
 * never less). Float noise is rounded away first (as for velocity buffers), so 0.1 × 30 covers 3, not 4.
 */
export function refreshWindowCover(channel: string, refreshSeconds: number, sales: ChannelSales): { units: number; othersPerMinute: number; windowSeconds: number } {
  let othersPerMinute = 0;
  if (sales.byChannel === undefined) othersPerMinute = sales.unitsPerMinute;
  else for (const seller in sales.byChannel) if (seller !== channel) othersPerMinute += sales.byChannel[seller]!;
  const windowSeconds = refreshSeconds + sales.syncLagSeconds;
  const units = Math.ceil(Math.round(((othersPerMinute * windowSeconds) / 60) * 1e9) / 1e9);
  return { units, othersPerMinute, windowSeconds };
}

/** Sum of location available over the locations the channel may draw from. */
export function channelPool(channel: CompiledChannel, levels: readonly LevelPlan[], from = 0, to = levels.length): number {
  let pool = 0;
  const allowed = channel.locations;
  for (let i = from; i < to; i++) {
    const level = levels[i]!;
    if (allowed === undefined || allowed.has(level.location)) pool += level.available;
  }
  return pool;
}

/** Cache slots per channel: one per waterfall step whose line can repeat across items. */
export const STEPS = 8;
const REACH = 6;
const PAUSED = 0;
const TIER_RESERVE = 1;
const NETWORK_MINIMUM = 2;
const ALLOCATION = 3;
const MAX_UNITS = 4;
const PAUSE_BELOW = 5;
/** The channel's ring fence lines at its levels (ring-fence.ts). */
export const RING_FENCE = 7;

/**
 * What one channel may sell of one inventory item, as a waterfall from its pool. Each step can only lower
 * the running figure, and every unit a step removes gets a line, so the lines sum to pool − available.
 * Order: manual pause, reserve for higher tiers, network minimum, refresh window, other channels'
 * holds, allocation (% of pool or fixed units), max cap, pause-below threshold.
 *
 * With a ring fence, `pool` is the shared pool (location available, which already leaves every
 * fence out) and `fences` says where the item's fences went. The steps up to the cap shape only
 * what the channel gets from the shared pool: they guard against or share with the other
 * channels, and no other channel can sell the fence. The fence is added before pause-below,
 * which judges what the channel would list. The plan's pool is then shared pool + own fence.
 */
export function allocateChannel(
  channel: CompiledChannel,
  item: { readonly item: string; readonly sku: string },
  pool: number,
  holds: readonly HoldTotal[],
  lines: LineCache = new LineCache(),
  slotBase = 0,
  sales: ChannelSales = NO_SALES,
  fences: readonly FencedUnits[] = NO_FENCES,
): ChannelPlan {
  const rule = channel.rule;
  const name = channel.channel;
  const { item: id, sku } = item;
  const { own: fence, ownSizing, ownNotPublished, others: fencedForOthers } = fences.length === 0 ? NOT_FENCED : fencesSeenBy(channel, fences);
  // Reasons name the shared pool when the channel has a fence, so "pool 8" never reads as the whole.
  const shared = rule?.ringFenceUnits !== undefined && rule.ringFenceUnits > 0 && ownNotPublished !== true ? "shared " : "";
  let available = pool;
  let paused = false;
  let explain = reachAndFenceLines(channel, pool, { units: fence, sizing: ownSizing, notPublished: ownNotPublished === true }, fencedForOthers, lines, slotBase);
  if (rule === undefined && holds.length === 0) return { item: id, sku, channel: name, pool, available, paused, explain };
  let units: number;

  if (rule?.paused === true) paused = true;
  if (paused && available > 0) {
    units = available;
    available = 0;
    explain = withLine(
      explain,
      lines.get(slotBase + PAUSED, 0, units) ??
        lines.set(slotBase + PAUSED, 0, units, { rule: "paused", scope: name, units, reason: `${name} is paused by the merchant` }),
    );
  }
  const reserveBelow = rule?.reserveForHigherTiersBelow;
  if (reserveBelow !== undefined && pool < reserveBelow && available > 0) {
    units = available;
    available = 0;
    explain = withLine(
      explain,
      lines.get(slotBase + TIER_RESERVE, pool, units) ??
        lines.set(slotBase + TIER_RESERVE, pool, units, {
          rule: "tier_reserve",
          scope: name,
          units,
          reason: `withheld for higher tiers: ${shared}pool ${pool} < ${reserveBelow}`,
        }),
    );
  }
  const minimum = rule?.networkMinimum;
  if (minimum !== undefined && minimum > 0 && available > 0) {
    units = Math.min(minimum, available);
    available -= units;
    explain = withLine(
      explain,
      lines.get(slotBase + NETWORK_MINIMUM, 0, units) ??
        lines.set(slotBase + NETWORK_MINIMUM, 0, units, {
          rule: "network_minimum",
          scope: name,
          units,
          reason: `last ${unitsText(units)} ${shared ? "of the shared pool " : ""}never shown on ${name} (network minimum ${minimum})`,
        }),
    );
  }
  // A channel listing from a copy re-read every R s shows, until its next read, units the other
  // channels may already have sold (a connector orders with DECREMENT_IGNORING_POLICY, so Shopify
  // does not refuse it: docs/decisions/012 "Sales channels"). Keep their expected sales over R + the
  // measured sync lag out of this channel (docs/decisions/010 for the measured rate and lag).
  // The rate varies per item, so the line is not cached.
  const refresh = rule?.refreshSeconds;
  if (refresh !== undefined && available > 0) {
    const cover = refreshWindowCover(name, refresh, sales);
    if (cover.units > 0) {
      units = Math.min(cover.units, available);
      available -= units;
      explain = appendLine(explain, {
        rule: "refresh_window",
        scope: name,
        units,
        reason:
          `${unitsText(units)} not shown on ${name}: it refreshes every ${formatDuration(refresh * 1000)} and the other channels sell ` +
          `${formatRatePerSecond(cover.othersPerMinute)}, so ${formatDuration(cover.windowSeconds * 1000)} of their sales is covered` +
          cappedNote(units, cover.units),
      });
    }
  }
  // A hold lowers every other channel, never the holder: the holder's buyer already has those units.
  // Holds are few, so their lines are not cached.
  for (const hold of holds) {
    if (hold.channel === name || available === 0) continue;
    units = Math.min(hold.units, available);
    available -= units;
    explain = appendLine(explain, { rule: "hold", scope: name, units, reason: `${unitsText(units)} held for ${hold.channel}` });
  }
  const percent = rule?.allocationPercent;
  const fixed = rule?.fixedUnits;
  if (percent !== undefined || fixed !== undefined) {
    const share = percent !== undefined ? Math.floor((pool * percent) / 100) : (fixed as number);
    if (available > share) {
      units = available - share;
      available = share;
      explain = withLine(
        explain,
        lines.get(slotBase + ALLOCATION, pool, units) ??
          lines.set(slotBase + ALLOCATION, pool, units, {
            rule: percent !== undefined ? "allocation_percent" : "fixed_units",
            scope: name,
            units,
            reason:
              percent !== undefined
                ? `${name} gets ${percent}% of ${shared}pool ${pool} = ${share}`
                : `${name} is allocated a fixed ${share}${shared ? " on top of its ring fence" : ""}`,
          }),
      );
    }
  }
  const max = rule?.maxUnits;
  if (max !== undefined && available > max) {
    units = available - max;
    available = max;
    explain = withLine(
      explain,
      lines.get(slotBase + MAX_UNITS, 0, units) ??
        lines.set(slotBase + MAX_UNITS, 0, units, {
          rule: "max_units",
          scope: name,
          units,
          reason: `${name} is capped at ${max}${shared ? " on top of its ring fence" : ""}`,
        }),
    );
  }
  // The fence is the channel's own: nothing above may take it (a manually paused channel has none).
  available += fence;
  pool += fence;
  const pauseBelow = rule?.pauseBelow;
  if (pauseBelow !== undefined && available < pauseBelow) {
    paused = true;
    if (available > 0) {
      units = available;
      available = 0;
      explain = withLine(
        explain,
        lines.get(slotBase + PAUSE_BELOW, 0, units) ??
          lines.set(slotBase + PAUSE_BELOW, 0, units, {
            rule: "pause_below",
            scope: name,
            units,
            reason: `paused: ${units} left is under the threshold of ${pauseBelow}`,
          }),
      );
    }
  }

  const history = rule?.ringFenceSizing === "measured" ? reserveHistoryAfter(rule, name, sales, fence) : undefined;
  return history === undefined ? { item: id, sku, channel: name, pool, available, paused, explain } : { item: id, sku, channel: name, pool, available, paused, explain, reserveHistory: history };
}

/**
 * The lines that withhold nothing, so they carry 0 units: what counts (the locations in the pool
 * and those left out because the channel's orders cannot be filled there), and where the item's
 * fences went (its own are added back after the cap; the others' are not in location available).
 */
function reachAndFenceLines(
  channel: CompiledChannel,
  pool: number,
  own: { readonly units: number; readonly sizing: string | undefined; readonly notPublished: boolean },
  fencedForOthers: Map<string, number> | undefined,
  lines: LineCache,
  slotBase: number,
): readonly ExplainLine[] {
  const fence = own.units;
  const name = channel.channel;
  let explain: readonly ExplainLine[] = NO_LINES;
  const reach = channel.reachText;
  if (reach !== undefined) {
    const whole = pool + fence;
    explain =
      lines.get(slotBase + REACH, whole, 0) ??
      lines.set(slotBase + REACH, whole, 0, { rule: "reach", scope: name, units: 0, reason: `pool ${whole} ${reach}` });
  }
  if (fence > 0) explain = appendLine(explain, { rule: "ring_fence", scope: name, units: 0, reason: fenceReason(fence, name, own.sizing) });
  if (own.notPublished) explain = appendLine(explain, { rule: "ring_fence", scope: name, units: 0, reason: NOT_PUBLISHED_FENCE_REASON(name) });
  if (fencedForOthers !== undefined) {
    for (const [holder, units] of [...fencedForOthers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      explain = appendLine(explain, { rule: "ring_fence", scope: holder, units: 0, reason: FENCE_REASON(units, holder) });
    }
  }
  return explain;
}

const NOT_FENCED: { own: number; ownSizing?: string; ownNotPublished?: true; others: Map<string, number> | undefined } = { own: 0, others: undefined };

/** Appends every channel's plan for one inventory item (its levels are levels[from, to)) to `out`; the hot path of planAvailability. */
export function allocateChannelsInto(
  out: ChannelPlan[],
  channels: readonly CompiledChannel[],
  id: string,
  sku: string,
  levels: readonly LevelPlan[],
  from: number,
  to: number,
  holds: readonly HoldTotal[],
  lines: LineCache,
  sales: ChannelSales = NO_SALES,
  fences: readonly FencedUnits[] = NO_FENCES,
): void {
  const identity = { item: id, sku };
  let everywhere = -1;
  let lastSet: ReadonlySet<string> | undefined;
  let lastPool = 0;
  for (let i = 0; i < channels.length; i++) {
    const channel = channels[i]!;
    let pool: number;
    // Most channels draw from every location, or from the same reach (every online channel):
    // compute each such pool once per item.
    if (channel.locations === undefined) {
      if (everywhere < 0) everywhere = channelPool(channel, levels, from, to);
      pool = everywhere;
    } else if (channel.locations === lastSet) pool = lastPool;
    else {
      pool = channelPool(channel, levels, from, to);
      lastSet = channel.locations;
      lastPool = pool;
    }
    out.push(allocateChannel(channel, identity, pool, holds, lines, i * STEPS, sales, fences));
  }
}

/** Every channel's availability for one inventory item, from that item's planned levels and its active holds. */
export function allocateChannels(
  channels: readonly CompiledChannel[],
  item: { readonly item: string; readonly sku: string },
  levels: readonly LevelPlan[],
  holds: readonly HoldTotal[],
  sales: ChannelSales = NO_SALES,
): ChannelPlan[] {
  const out: ChannelPlan[] = [];
  allocateChannelsInto(out, channels, item.item, item.sku, levels, 0, levels.length, holds, new LineCache(), sales);
  return out;
}

/** The refresh-window inputs of one inventory item from its snapshot item and the snapshot's measured lag. */
export function channelSalesOf(item: Item | undefined, syncLagMinutes: number, nowMs?: number): ChannelSales {
  const base = { unitsPerMinute: item?.unitsPerMinute ?? 0, syncLagSeconds: syncLagMinutes * 60, ...(nowMs === undefined ? {} : { nowMs }) };
  const byChannel = item?.unitsPerMinuteByChannel;
  const published = item?.publishedReserves;
  return { ...base, ...(byChannel === undefined ? {} : { byChannel }), ...(published === undefined ? {} : { published }) };
}
