import type { CompiledPolicy, CompiledQuarantine, CompiledRule } from "./compile-policy";
import { cappedNote, formatDuration, formatRate, LineCache, NO_LINES, unitsText, withLine } from "./explain";
import { identityOf } from "./identity";
import { ScopeResolver } from "./scope";
import { instantText, toEpochMs } from "./time";
import type { ExplainLine, Item, Level, LevelPlan, ReleaseGateRule, SafetyStockRule, VelocityBufferRule } from "./types";

/** Per-plan state: inputs every level shares, plus explanation lines reused across levels. */
export interface ProtectionContext {
  readonly compiled: CompiledPolicy;
  readonly syncLagMinutes: number;
  readonly nowMs: number;
  /** Slots are rule ids (a rule's position in `protection`). */
  readonly lines: LineCache;
  readonly releaseGate: ScopeResolver<CompiledRule<ReleaseGateRule>>;
  readonly safetyStock: ScopeResolver<CompiledRule<SafetyStockRule>>;
  readonly velocityBuffer: ScopeResolver<CompiledRule<VelocityBufferRule>>;
}

const byUnits = (compiled: CompiledRule<{ readonly units: number }>): number => compiled.rule.units;
const noWeight = (): number => 0;

export function protectionContext(
  compiled: CompiledPolicy,
  options: { readonly now: string | number; readonly syncLagMinutes: number },
): ProtectionContext {
  return {
    compiled,
    syncLagMinutes: options.syncLagMinutes,
    nowMs: toEpochMs(options.now),
    lines: new LineCache(),
    releaseGate: new ScopeResolver(compiled.releaseGate, noWeight),
    safetyStock: new ScopeResolver(compiled.safetyStock, byUnits),
    velocityBuffer: new ScopeResolver(compiled.velocityBuffer, velocityWeight),
  };
}

/** Mutable while one item is being planned (protection, then ring fences); handed out as a read-only LevelPlan. */
export interface LevelWork {
  item: string;
  sku: string;
  location: string;
  base: number;
  protected: number;
  available: number;
  safetyStock: number;
  qualityControl: number;
  explain: readonly ExplainLine[];
}

/** Sellable before Safestock's own protection; Shopify's other states already keep these units out. */
export function baseSellable(level: Level): number {
  return Math.max(0, level.onHand - level.committed - level.reserved - level.damaged - level.qualityControl);
}

/**
 * ceil(rate × lag × risk), bounded. The product is rounded to 1e-9 first because binary floats turn
 * 0.1 × 3 × 10 into 3.0000000000000004, and a merchant expects a buffer of 3, not 4.
 */
export function velocityBufferUnits(rule: VelocityBufferRule, unitsPerMinute: number, syncLagMinutes: number): number {
  const raw = Math.ceil(Math.round(unitsPerMinute * syncLagMinutes * (rule.riskFactor ?? 1) * 1e9) / 1e9);
  return Math.max(rule.minUnits ?? 0, Math.min(rule.maxUnits ?? Number.POSITIVE_INFINITY, raw));
}


/** Units still held at `nowMs`: a wave counts as released at or after its `at` instant. */
function quarantineHeldAt(quarantine: CompiledQuarantine, nowMs: number): number {
  let released = 0;
  for (const wave of quarantine.releases) if (wave.at <= nowMs) released += wave.units;
  return Math.max(0, quarantine.rule.units - released);
}

/**
 * The wave's instant as a UTC token the pages show in the shop's zone (time.ts `instantText`),
 * not as the policy spelled it: "2026-11-24T04:00:00-05:00" would escape that rewrite.
 */
function nextReleaseText(quarantine: CompiledQuarantine, nowMs: number): string {
  for (const wave of quarantine.releases) {
    if (wave.at > nowMs) return `next ${wave.units} released ${Number.isFinite(wave.at) ? instantText(wave.at) : wave.atText}`;
  }
  return "no release scheduled";
}

/**
 * Protection for levels[from, to), which must all be of ONE inventory item `id` (a quarantine
 * spreads its units over the item's locations); appends one plan per level to `out`. Rules scoped
 * to the item's `sku` apply to it on its own stock: another variant with the same SKU is planned
 * separately, with the same rules. Ranges and an output array instead of per-item arrays keep a
 * 100,000-item plan from allocating 100,000 short-lived arrays.
 * Kinds apply in a fixed order and add up; each is capped by what is still sellable, so
 * protected ≤ base and the explanation lines sum to protected.
 */
export function protectLevelsOfItem(
  ctx: ProtectionContext,
  id: string,
  sku: string,
  levels: readonly Level[],
  from: number,
  to: number,
  item: Item | undefined,
  out: LevelPlan[],
): void {
  const { compiled, syncLagMinutes, lines } = ctx;
  const product = item?.product;
  const tags = item?.tags;
  const rate = item?.unitsPerMinute ?? 0;
  const displayAt = compiled.display.get(sku);
  const outFrom = out.length;
  ctx.releaseGate.forItem(sku, product, tags, 0);
  ctx.safetyStock.forItem(sku, product, tags, 0);
  ctx.velocityBuffer.forItem(sku, product, tags, rate * syncLagMinutes);

  for (let i = from; i < to; i++) {
    const level = levels[i]!;
    const location = level.location;
    const base = baseSellable(level);
    let available = base;
    let explain: readonly ExplainLine[] = NO_LINES;
    let gated = 0;
    let units: number;
    let wanted: number;

    // 1. Release gate first: those units are physically not ready, whatever other rules say.
    const gate = ctx.releaseGate.at(location);
    if (gate !== undefined && available > 0) {
      wanted = Math.max(0, (level.received ?? 0) - level.qualityControl);
      units = gated = Math.min(wanted, available);
      if (units > 0) {
        available -= units;
        explain = withLine(
          explain,
          lines.get(gate.id, wanted, units) ??
            lines.set(gate.id, wanted, units, {
              rule: "release_gate",
              scope: gate.scopeText,
              units,
              reason: `${unitsText(units)} received, awaiting approval${cappedNote(units, wanted)}`,
            }),
        );
      }
    }

    // 2. Display units are on the shop floor, never for sale.
    const display = displayAt?.get(location);
    if (display !== undefined && available > 0) {
      wanted = display.rule.units;
      units = Math.min(wanted, available);
      if (units > 0) {
        available -= units;
        explain = withLine(
          explain,
          lines.get(display.id, 0, units) ??
            lines.set(display.id, 0, units, {
              rule: "display",
              scope: display.scopeText,
              units,
              reason: `${units} on display at ${location}${cappedNote(units, wanted)}`,
            }),
        );
      }
    }

    // 3. Safety stock: only the most specific rule counts.
    const safety = ctx.safetyStock.at(location);
    if (safety !== undefined && available > 0) {
      wanted = safety.rule.units;
      units = Math.min(wanted, available);
      if (units > 0) {
        available -= units;
        explain = withLine(
          explain,
          lines.get(safety.id, 0, units) ??
            lines.set(safety.id, 0, units, {
              rule: "safety_stock",
              scope: safety.scopeText,
              units,
              reason: `${units} safety stock for ${safety.scopeText}${cappedNote(units, wanted)}`,
            }),
        );
      }
    }

    // 4. Velocity buffer: covers what can sell before the next sync lands.
    const velocity = ctx.velocityBuffer.at(location);
    if (velocity !== undefined && available > 0) {
      wanted = velocityBufferUnits(velocity.rule, rate, syncLagMinutes);
      units = Math.min(wanted, available);
      if (units > 0) {
        available -= units;
        explain = withLine(
          explain,
          lines.get(velocity.id, rate, units) ??
            lines.set(velocity.id, rate, units, {
              rule: "velocity_buffer",
              scope: velocity.scopeText,
              units,
              reason: `${units} buffer for sales during the ${formatDuration(syncLagMinutes * 60_000)} sync lag (${formatRate(rate)} × risk ${
                velocity.rule.riskFactor ?? 1
              })${cappedNote(units, wanted)}`,
            }),
        );
      }
    }

    out.push({
      item: id,
      sku,
      location,
      base,
      protected: base - available,
      available,
      // Gated units go to Shopify quality_control; everything else Safestock withholds is safety_stock.
      safetyStock: base - available - gated,
      qualityControl: level.qualityControl + gated,
      explain,
    } satisfies LevelWork);
  }

  // 5. Quarantine spans locations, so it runs once the per-location kinds are known. Each variant
  // carrying a quarantined SKU holds the rule's units of its own stock.
  const quarantine = compiled.quarantineBySku.get(sku);
  if (quarantine !== undefined) applyQuarantine(ctx, quarantine, out.slice(outFrom) as LevelWork[]);
}

/** Weight for choosing between velocity rules of equal specificity: the buffer each would ask for. */
function velocityWeight(compiled: CompiledRule<VelocityBufferRule>, unitsDuringLag: number): number {
  return velocityBufferUnits(compiled.rule, unitsDuringLag, 1);
}

/**
 * Takes the held units from locations in a fixed order (the rule's `locations`, else by name).
 * A fixed order keeps the result independent of input order and monotone: more protection
 * elsewhere can only move quarantined units to later locations, never free units anywhere.
 */
function applyQuarantine(ctx: ProtectionContext, quarantine: CompiledQuarantine, work: LevelWork[]): void {
  const held = quarantineHeldAt(quarantine, ctx.nowMs);
  if (held === 0) return;
  withholdInOrder(levelsInOrder(work, quarantine.rule.locations), held, (units) =>
    ctx.lines.get(quarantine.id, 0, units) ??
    ctx.lines.set(quarantine.id, 0, units, {
      rule: "quarantine",
      scope: quarantine.scopeText,
      units,
      reason: `${unitsText(units)} withheld for a promotion (${held} held across locations; ${nextReleaseText(quarantine, ctx.nowMs)})`,
    }),
  );
}

/**
 * The levels a network-wide rule (quarantine, ring fence) takes from, in a fixed order: `order`
 * as given (only those), else by location name; `allowed` narrows them further.
 */
export function levelsInOrder(work: readonly LevelWork[], order: readonly string[] | undefined, allowed?: ReadonlySet<string>): LevelWork[] {
  const ok = (location: string) => allowed === undefined || allowed.has(location);
  return order === undefined
    ? work.filter((w) => ok(w.location)).sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0))
    : order.flatMap((location) => (ok(location) ? work.filter((w) => w.location === location) : []));
}

/**
 * Moves up to `need` sellable units of the levels, in order, into protection (Shopify
 * safety_stock), each with the line `lineFor` gives; returns the units taken from each level.
 * Capped by what each level still has, so nothing goes negative and protected ≤ base.
 */
export function withholdInOrder(ordered: readonly LevelWork[], need: number, lineFor: (units: number) => readonly ExplainLine[]): { level: LevelWork; units: number }[] {
  const taken: { level: LevelWork; units: number }[] = [];
  for (const w of ordered) {
    if (need === 0) break;
    const units = Math.min(need, w.available);
    if (units === 0) continue;
    need -= units;
    w.available -= units;
    w.protected += units;
    w.safetyStock += units;
    w.explain = withLine(w.explain, lineFor(units));
    taken.push({ level: w, units });
  }
  return taken;
}

/**
 * Protection for the levels of one inventory item, for callers outside a full plan (e.g. a rule
 * preview); `item` is its data (product, tags, rate). Its identity and SKU come from `levels`.
 */
export function computeProtection(
  compiled: CompiledPolicy,
  levels: readonly Level[],
  item: Item | undefined,
  options: { readonly now: string | number; readonly syncLagMinutes: number },
): LevelPlan[] {
  const out: LevelPlan[] = [];
  const first = levels[0];
  if (first === undefined) return out;
  protectLevelsOfItem(protectionContext(compiled, options), identityOf(first), first.sku, levels, 0, levels.length, item, out);
  return out;
}
