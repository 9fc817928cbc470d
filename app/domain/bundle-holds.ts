/**
 * Cart holds for fixed bundles (docs/decisions/034 "Holds"): a bundle has no stock of its own, an
 * order for it commits its components, so a cart's bundle line is held as holds on its components
 * (quantity × units per bundle each). A cart line of a component and the bundles that contain it
 * take the same stock, so holds are placed per component on the cart's total demand, and each cart
 * line is answered from the outcomes of the components it needs. A line that is not a bundle needs
 * one unit of its own variant per unit. Pure: the bundles' recipes and the outcomes come in.
 */

export interface CartDemandLine {
  readonly variantId: string;
  readonly quantity: number;
}

/** A bundle variant's components: per component variant, the units one bundle takes. */
export type BundleRecipes = ReadonlyMap<string, readonly { readonly variantId: string; readonly quantity: number }[]>;

/** What one component's hold came to (the hold API's per-variant outcome). */
export type ComponentOutcome =
  | { readonly ok: true; readonly held: true; readonly units: number; readonly expiresAt: string }
  /** `ownReason`: not held because the item itself needs none (not managed, keeps selling), not because holding failed. */
  | { readonly ok: true; readonly held: false; readonly reason: string; readonly ownReason: boolean }
  | { readonly ok: false; readonly available: number; readonly reason: string };

export type CartLineOutcome =
  | { variantId: string; ok: true; held: true; units: number; expiresAt: string }
  | { variantId: string; ok: true; held: false; units: 0; reason: string }
  | { variantId: string; ok: false; available: number; reason: string };

/** What one unit of a cart line takes: a bundle's components, or the variant itself. */
function needsOf(variantId: string, recipes: BundleRecipes): readonly { variantId: string; quantity: number }[] {
  const recipe = recipes.get(variantId);
  return recipe && recipe.length > 0 ? recipe.map((part) => ({ variantId: part.variantId, quantity: Math.max(1, Math.floor(part.quantity)) })) : [{ variantId, quantity: 1 }];
}

const isWholeQuantity = (quantity: number) => Number.isInteger(quantity) && quantity >= 1;

/**
 * The units the cart takes of each variant to hold, bundles expanded into their components and
 * added to the component's own lines, in the order first needed. Lines with a quantity that is not
 * a whole number above zero take nothing (they are refused on their own).
 */
export function cartDemand(lines: readonly CartDemandLine[], recipes: BundleRecipes): CartDemandLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    if (!isWholeQuantity(line.quantity)) continue;
    for (const need of needsOf(line.variantId, recipes)) totals.set(need.variantId, (totals.get(need.variantId) ?? 0) + line.quantity * need.quantity);
  }
  return [...totals].map(([variantId, quantity]) => ({ variantId, quantity }));
}

const onlyLeft = (available: number) => `Only ${available} left.`;

/**
 * Each cart line's answer from its components' outcomes. Refused when any component it needs was
 * refused: `available` is what is left of that component for this line once the cart's other lines
 * on it are counted, in this line's units (the checkout Function words it the same way). Held when
 * every component it needs is held or passes without a hold for a reason of its own (not managed,
 * keeps selling); otherwise it passes unheld with the first reason, as a plain line does.
 */
export function cartLineOutcomes(
  lines: readonly CartDemandLine[],
  recipes: BundleRecipes,
  demand: ReadonlyMap<string, number>,
  outcomes: ReadonlyMap<string, ComponentOutcome>,
  reasons: { invalidQuantity: string; notHeld: string },
): CartLineOutcome[] {
  return lines.map((line): CartLineOutcome => {
    const { variantId, quantity } = line;
    if (!isWholeQuantity(quantity)) return { variantId, ok: false, available: 0, reason: reasons.invalidQuantity };
    const needs = needsOf(variantId, recipes);
    let refused: { available: number; reason: string } | null = null;
    for (const need of needs) {
      const outcome = outcomes.get(need.variantId);
      if (!outcome || outcome.ok) continue;
      const others = (demand.get(need.variantId) ?? 0) - quantity * need.quantity;
      const available = Math.floor(Math.max(0, outcome.available - others) / need.quantity);
      // The component's own words when nothing of it is left or this line is its only demand.
      const ownWords = outcome.available === 0 || (needs.length === 1 && others === 0);
      if (refused === null || available < refused.available) refused = { available, reason: ownWords ? outcome.reason : onlyLeft(available) };
    }
    if (refused) return { variantId, ok: false, ...refused };
    const components = needs.map((need) => outcomes.get(need.variantId));
    // A component left unplaced (only refused lines needed it when checked) holds nothing for this line.
    if (components.some((outcome) => outcome === undefined)) return { variantId, ok: true, held: false, units: 0, reason: reasons.notHeld };
    const held = components.filter((outcome) => outcome?.ok === true && outcome.held);
    // A bundle is held when its managed components are; a component that could not be held leaves it unheld.
    const failed = components.find((outcome) => outcome?.ok === true && !outcome.held && !outcome.ownReason);
    if (held.length > 0 && failed === undefined) {
      const expiresAt = held.map((outcome) => (outcome as { expiresAt: string }).expiresAt).sort()[0]!;
      return { variantId, ok: true, held: true, units: quantity, expiresAt };
    }
    const unheld = failed ?? components.find((outcome) => outcome?.ok === true && !outcome.held);
    return { variantId, ok: true, held: false, units: 0, reason: unheld && unheld.ok && !unheld.held ? unheld.reason : NOTHING_TO_HOLD };
  });
}

const NOTHING_TO_HOLD = "Safestock does not manage this item.";

/**
 * The components a bundle's published value lets this checkout take fewer units of than the cart
 * needs, where the cart has no line of its own for the component: the checkout Function judges such
 * a component by the bundle's list alone — `available` (every checkout's held units left out) plus
 * what the list gives back under this checkout's hold key (docs/decisions/034 "Holds"). A hold on
 * them would refuse its own holder at checkout (its key not listed, or the component's number
 * fell), so it is never promised. A component with its own cart line is judged by its own value.
 */
export function componentsRefusedToHolder(value: string | null | undefined, demand: ReadonlyMap<string, number>, cartVariants: ReadonlySet<string>, holdKey: string): string[] {
  let listed: unknown;
  try {
    listed = value ? (JSON.parse(value) as { components?: unknown }).components : undefined;
  } catch {
    return [];
  }
  if (!Array.isArray(listed)) return [];
  const refused: string[] = [];
  for (const entry of listed as { id?: unknown; available?: unknown; keys?: unknown }[]) {
    if (typeof entry?.id !== "string" || typeof entry.available !== "number" || cartVariants.has(entry.id)) continue;
    const keys = typeof entry.keys === "object" && entry.keys !== null ? (entry.keys as Record<string, unknown>) : {};
    const own = Object.prototype.hasOwnProperty.call(keys, holdKey) && typeof keys[holdKey] === "number" ? Math.max(0, keys[holdKey] as number) : 0;
    if ((demand.get(entry.id) ?? 0) > entry.available + own) refused.push(entry.id);
  }
  return refused;
}

/**
 * The variants to hold: those some cart line still needs once the lines already refused (a component
 * of theirs is short) are set aside. A bundle refused for want of totes then holds no shirts either,
 * and the cart keeps the holds it had on them.
 */
export function variantsToPlace(lines: readonly CartDemandLine[], recipes: BundleRecipes, refused: ReadonlySet<string>): Set<string> {
  const wanted = new Set<string>();
  for (const line of lines) {
    if (!isWholeQuantity(line.quantity)) continue;
    const needs = needsOf(line.variantId, recipes);
    if (needs.some((need) => refused.has(need.variantId))) continue;
    for (const need of needs) wanted.add(need.variantId);
  }
  for (const variantId of refused) wanted.add(variantId);
  return wanted;
}

/**
 * One expiry for the holds a bundle line spans, so they end together: each component's hold lifetime
 * depends on its own stock (shorter when low), so the earliest wins across every bundle sharing a
 * component, until nothing changes. Returns the variants whose hold must end earlier (ISO-8601).
 */
export function sharedExpiries(lines: readonly CartDemandLine[], recipes: BundleRecipes, expiresAt: ReadonlyMap<string, string>): Map<string, string> {
  const shared = new Map(expiresAt);
  const groups = lines.filter((line) => recipes.has(line.variantId)).map((line) => needsOf(line.variantId, recipes).map((need) => need.variantId).filter((id) => shared.has(id)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const group of groups) {
      const earliest = group.map((id) => shared.get(id)!).sort()[0];
      for (const id of group) {
        if (earliest !== undefined && shared.get(id)! > earliest) {
          shared.set(id, earliest);
          changed = true;
        }
      }
    }
  }
  return new Map([...shared].filter(([id, at]) => at !== expiresAt.get(id)));
}

/**
 * Placed holds no line ended up held by: a bundle line answered unheld or refused (another component
 * could not be held) must not leave its other components held, so these are released.
 */
export function heldForNothing(lines: readonly CartDemandLine[], recipes: BundleRecipes, answers: readonly CartLineOutcome[], placed: readonly string[]): string[] {
  const used = new Set<string>();
  lines.forEach((line, index) => {
    const answer = answers[index];
    if (answer?.ok && answer.held) for (const need of needsOf(line.variantId, recipes)) used.add(need.variantId);
  });
  return placed.filter((variantId) => !used.has(variantId));
}
