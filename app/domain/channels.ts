import type { CompiledChannel } from "./compile-policy";
import { appendLine, LineCache, NO_LINES, unitsText, withLine } from "./explain";
import type { ChannelPlan, ExplainLine, LevelPlan } from "./types";

/** Active hold units of one SKU, summed per holding channel and sorted by channel name. */
export interface HoldTotal {
  readonly channel: string;
  readonly units: number;
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

/** Cache slots per channel: one per waterfall step whose line can repeat across SKUs. */
const STEPS = 8;
const PAUSED = 0;
const TIER_RESERVE = 1;
const NETWORK_MINIMUM = 2;
const ALLOCATION = 3;
const MAX_UNITS = 4;
const PAUSE_BELOW = 5;

/**
 * What one channel may sell of one SKU, as a waterfall from its pool. Each step can only lower
 * the running figure, and every unit a step removes gets a line, so the lines sum to pool − available.
 * Order: manual pause, reserve for higher tiers, network minimum, other channels' holds,
 * allocation (% of pool or fixed units), max cap, pause-below threshold.
 */
export function allocateChannel(
  channel: CompiledChannel,
  sku: string,
  pool: number,
  holds: readonly HoldTotal[],
  lines: LineCache = new LineCache(),
  slotBase = 0,
): ChannelPlan {
  const rule = channel.rule;
  const name = channel.channel;
  let available = pool;
  let paused = false;
  let explain: readonly ExplainLine[] = NO_LINES;
  if (rule === undefined && holds.length === 0) return { sku, channel: name, pool, available, paused, explain };
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
          reason: `withheld for higher tiers: pool ${pool} < ${reserveBelow}`,
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
          reason: `last ${unitsText(units)} never shown on ${name} (network minimum ${minimum})`,
        }),
    );
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
              percent !== undefined ? `${name} gets ${percent}% of pool ${pool} = ${share}` : `${name} is allocated a fixed ${share}`,
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
        lines.set(slotBase + MAX_UNITS, 0, units, { rule: "max_units", scope: name, units, reason: `${name} is capped at ${max}` }),
    );
  }
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

  return { sku, channel: name, pool, available, paused, explain };
}

/** Appends every channel's plan for one SKU (its levels are levels[from, to)) to `out`; the hot path of planAvailability. */
export function allocateChannelsInto(
  out: ChannelPlan[],
  channels: readonly CompiledChannel[],
  sku: string,
  levels: readonly LevelPlan[],
  from: number,
  to: number,
  holds: readonly HoldTotal[],
  lines: LineCache,
): void {
  let everywhere = -1;
  for (let i = 0; i < channels.length; i++) {
    const channel = channels[i]!;
    let pool: number;
    // Most channels draw from every location: compute that pool once per SKU.
    if (channel.locations === undefined) {
      if (everywhere < 0) everywhere = channelPool(channel, levels, from, to);
      pool = everywhere;
    } else pool = channelPool(channel, levels, from, to);
    out.push(allocateChannel(channel, sku, pool, holds, lines, i * STEPS));
  }
}

/** Every channel's availability for one SKU, from that SKU's planned levels and its active holds. */
export function allocateChannels(
  channels: readonly CompiledChannel[],
  sku: string,
  levels: readonly LevelPlan[],
  holds: readonly HoldTotal[],
): ChannelPlan[] {
  const out: ChannelPlan[] = [];
  allocateChannelsInto(out, channels, sku, levels, 0, levels.length, holds, new LineCache());
  return out;
}
