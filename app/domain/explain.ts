import type { ExplainLine } from "./types";

/** Shared by every level/channel with nothing withheld, so a quiet catalog allocates no arrays. */
export const NO_LINES: readonly ExplainLine[] = Object.freeze([]);

/**
 * A new exact-size array: `push` on a one-element literal grows its store to 17 slots, which across
 * a few hundred thousand two-line levels is tens of MB of empty slots kept in the plan.
 */
export function appendLine(lines: readonly ExplainLine[], line: ExplainLine): readonly ExplainLine[] {
  switch (lines.length) {
    case 0:
      return [line];
    case 1:
      return [lines[0]!, line];
    case 2:
      return [lines[0]!, lines[1]!, line];
    default:
      return [...lines, line];
  }
}

/** "5 safety stock" read alone hides that the rule asked for more: say so when a line was capped. */
export function cappedNote(units: number, wanted: number): string {
  return units < wanted ? ` (rule asks ${wanted}; only ${units} left to sell)` : "";
}

/** "1 unit" / "3 units". */
export function unitsText(units: number): string {
  return units === 1 ? "1 unit" : `${units} units`;
}

/**
 * A level or channel whose only line is a cached one reuses the cached one-line array as is.
 * Most withheld units have a single reason, so this saves an array per row in a large plan.
 */
export function withLine(lines: readonly ExplainLine[], single: readonly ExplainLine[]): readonly ExplainLine[] {
  return lines.length === 0 ? single : appendLine(lines, single[0]!);
}

/**
 * Explanation lines are immutable and, across a catalog, mostly repeat ("5 safety stock for every
 * item" on thousands of levels). Sharing one frozen one-line array per (slot, a, b) keeps a
 * 300,000-level plan's memory and GC time down. A slot is one rule or one channel step; a and b are
 * the numbers the reason depends on, so equal keys always mean an identical line.
 */
export class LineCache {
  private readonly slots: (Map<number, Map<number, readonly ExplainLine[]>> | undefined)[] = [];

  get(slot: number, a: number, b: number): readonly ExplainLine[] | undefined {
    return this.slots[slot]?.get(a)?.get(b);
  }

  set(slot: number, a: number, b: number, line: ExplainLine): readonly ExplainLine[] {
    let byA = this.slots[slot];
    if (byA === undefined) this.slots[slot] = byA = new Map();
    let byB = byA.get(a);
    if (byB === undefined) byA.set(a, (byB = new Map()));
    const single = Object.freeze([Object.freeze(line)]);
    byB.set(b, single);
    return single;
  }
}

/** At most one decimal below 10 ("0.3", "2.5"), whole numbers above ("12", "1250"): never a raw float. */
function short(value: number): string {
  if (value >= 10) return String(Math.round(value));
  return String(Math.round(value * 10) / 10);
}

/** 40 → "40 ms", 300 → "0.3 s", 90_000 → "1.5 min", 7_200_000 → "2 h", in the unit a person would say. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 100) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${short(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${short(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${short(ms / 3_600_000)} h`;
  return `${short(ms / 86_400_000)} days`;
}

/** A sales rate in units per minute → "2 per minute", "1 per hour", "3 per day", "under 1 per day". */
export function formatRate(unitsPerMinute: number): string {
  if (!Number.isFinite(unitsPerMinute) || unitsPerMinute <= 0) return "no recent sales";
  // Compared after rounding to what is shown, so 0.99999… per hour (float noise) reads "1 per hour".
  const atLeastOne = (value: number) => Math.round(value * 10) / 10 >= 1;
  if (atLeastOne(unitsPerMinute)) return `${short(unitsPerMinute)} per minute`;
  const perHour = unitsPerMinute * 60;
  if (atLeastOne(perHour)) return `${short(perHour)} per hour`;
  const perDay = perHour * 24;
  if (atLeastOne(perDay)) return `${short(perDay)} per day`;
  return "under 1 per day";
}

/**
 * A sales rate for a window of seconds: "0.9/s" when it is at least 0.1 a second (a flash sale),
 * otherwise as formatRate ("2 per minute", "3 per hour").
 */
export function formatRatePerSecond(unitsPerMinute: number): string {
  const perSecond = unitsPerMinute / 60;
  return Number.isFinite(perSecond) && Math.round(perSecond * 10) / 10 >= 0.1 ? `${short(perSecond)}/s` : formatRate(unitsPerMinute);
}

/** What a self-sizing reserve was sized from (ring-fence.ts `measuredReserve`), for its sentence. */
export interface ReserveSizing {
  readonly channel: string;
  /** The channel's own measured sales, units per minute. */
  readonly ownPerMinute: number;
  readonly refreshSeconds: number;
  readonly syncLagSeconds: number;
  /** Units it can sell in refreshSeconds + syncLagSeconds at that rate (not rounded). */
  readonly canSell: number;
  /** The reserve: ceil(canSell), at least minUnits, at most maxUnits. */
  readonly units: number;
  readonly minUnits: number;
  readonly maxUnits: number;
  /** Units kept beyond `units` because the channel may still sell from a larger listing it read before (ring-fence.ts `heldReserve`). */
  readonly heldUnits: number;
  /**
   * The listing in force, when it decides the size rather than the rate (ring-fence.ts
   * `measuredReserve`): `soldOut` it sold all of it (demand was at least that: doubled), `young`
   * it has not been in force for one read cycle yet (kept until the channel has had its chance).
   */
  readonly listing?: { readonly units: number; readonly because: "soldOut" | "young" };
}

/**
 * Why a self-sizing reserve is the size it is, in the merchant's words (docs/policy.md § 4 "A
 * reserve that sizes itself"): "marketplace sells 2.1 per minute and reads your stock every 15 min;
 * with the 3 s sync lag it can sell 31.6 before it sees a new number: 15 kept back (your cap)".
 */
export function reserveSizingText(sizing: ReserveSizing): string {
  const { channel, ownPerMinute, refreshSeconds, syncLagSeconds, canSell, units, minUnits, maxUnits, heldUnits } = sizing;
  const reads = `reads your stock every ${formatDuration(refreshSeconds * 1000)}`;
  const lag = syncLagSeconds > 0 ? ` with the ${formatDuration(syncLagSeconds * 1000)} sync lag` : "";
  const bound = units === maxUnits && Math.ceil(canSell - 1e-9) > maxUnits ? " (your cap)" : units === minUnits && Math.ceil(canSell - 1e-9) < minUnits ? " (your minimum)" : "";
  const held = heldUnits > 0 ? `; ${heldUnits} more held, not shown anywhere, until ${channel} has read its lower number or sold them` : "";
  const listing = sizing.listing;
  if (listing !== undefined) {
    const why =
      listing.because === "soldOut"
        ? `${channel} sold all ${listing.units} it listed before its next read, so it can sell more than its rate shows: twice that`
        : `${channel} listed ${listing.units} less than ${formatDuration((refreshSeconds + syncLagSeconds) * 1000)} ago (one read of your stock plus the sync lag): kept until it has had the chance to sell them`;
    const floor = listing.because === "soldOut" ? 2 * listing.units : listing.units;
    return `${why}; ${units} kept back${units === maxUnits && floor > maxUnits ? " (your cap)" : ""}${held}`;
  }
  if (ownPerMinute <= 0) return `${channel} has no recent sales and ${reads}: ${units} kept back${bound}${held}`;
  return `${channel} sells ${formatRatePerSecond(ownPerMinute)} and ${reads};${lag} it can sell ${short(canSell)} before it sees a new number: ${units} kept back${bound}${held}`;
}
