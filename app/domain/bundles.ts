/**
 * Fixed bundles sell their components' stock: Shopify's bundle variant has no stock of its own
 * ("the bundle's inventory is determined by the inventory of its component variants",
 * https://shopify.dev/docs/apps/build/product-merchandising/bundles/add-variant-fixed-bundle), and an
 * order for it commits each component. So Safestock protects the components (their levels are
 * planned like any item) and publishes a bundle number derived from theirs: per channel, the least
 * over its components of floor(component's number / quantity per bundle)
 * (docs/decisions/034-bundles-and-items-left-alone.md). The explanation names the component that
 * limits the bundle. Pure: the components come in with the plan of their own numbers.
 */
import { unitsText } from "./explain";
import type { ChannelPlan, ExplainLine } from "./types";

export const BUNDLE_RULE = "bundle";

/** One component of a bundle: its inventory item (identity), label, and units per bundle. */
export interface BundleComponent {
  readonly inventoryItemId: string;
  readonly sku: string;
  /** A readable name for the explanation ("Linen Shirt - M"). */
  readonly title: string;
  readonly quantity: number;
}

export interface BundleInput {
  readonly inventoryItemId: string;
  readonly sku: string;
  readonly components: readonly BundleComponent[];
}

const componentName = (component: BundleComponent) => component.sku || component.title;

/**
 * The bundle's channel plans from its components' plans. A component Safestock does not plan
 * (not tracked: Shopify counts no stock for it, or not read) does not limit the bundle. A channel
 * paused for any component is paused for the bundle. Ties name the first component listed.
 */
export function bundleChannelPlans(bundle: BundleInput, componentPlans: ReadonlyMap<string, readonly ChannelPlan[]>): ChannelPlan[] {
  const channels = new Map<string, { pool: number; available: number; paused: boolean; limiting: BundleComponent | null; limitingUnits: number }>();
  for (const component of bundle.components) {
    const per = Math.max(1, Math.floor(component.quantity));
    for (const plan of componentPlans.get(component.inventoryItemId) ?? []) {
      const pool = Math.floor(Math.max(0, plan.pool) / per);
      const available = Math.floor(Math.max(0, plan.available) / per);
      const entry = channels.get(plan.channel);
      if (entry === undefined) {
        channels.set(plan.channel, { pool, available, paused: plan.paused, limiting: component, limitingUnits: plan.available });
        continue;
      }
      entry.pool = Math.min(entry.pool, pool);
      entry.paused ||= plan.paused;
      if (available < entry.available) Object.assign(entry, { available, limiting: component, limitingUnits: plan.available });
    }
  }
  return [...channels].map(([channel, entry]) => {
    const available = entry.paused ? 0 : Math.min(entry.available, entry.pool);
    const pool = Math.max(entry.pool, available);
    return { item: bundle.inventoryItemId, sku: bundle.sku, channel, pool, available, paused: entry.paused, explain: bundleExplain(pool - available, entry.limiting, entry.limitingUnits) };
  });
}

/**
 * The items whose planned numbers assume the moves of `moved`: those items and every bundle with
 * one of them as a component (its numbers are derived from the components' planned numbers). When
 * a move is refused, none of these may be published from this plan (docs/decisions/039).
 */
export function itemsAssumingMoves(moved: Iterable<string>, bundles: readonly BundleInput[]): Set<string> {
  const items = new Set(moved);
  for (const bundle of bundles) {
    if (bundle.components.some((component) => items.has(component.inventoryItemId))) items.add(bundle.inventoryItemId);
  }
  return items;
}

/** "limited by SHIRT-M: 7 units for this channel, 2 per bundle" — one line summing to pool − available. */
function bundleExplain(units: number, limiting: BundleComponent | null, limitingUnits: number): readonly ExplainLine[] {
  if (limiting === null) return [];
  return [
    {
      rule: BUNDLE_RULE,
      scope: componentName(limiting),
      units,
      reason: `bundle limited by ${componentName(limiting)}: ${unitsText(Math.max(0, limitingUnits))} for this channel, ${limiting.quantity} per bundle`,
    },
  ];
}

/** What a bundle's published value lists per component for the checkout Function: its checkout-channel number. */
export interface PublishedComponent {
  readonly variantId: string;
  readonly quantity: number;
  /** The component's checkout-channel number less every checkout's held units: what any cart may take. */
  readonly available: number;
  /**
   * Per hold key, the units that checkout gets back of its own holds on the component: what it may
   * take is `available` + this, exactly what the component's own value lets it take (a Function
   * cannot read a component that is not in the cart, docs/decisions/034 "Holds"). Absent: none.
   */
  readonly keys?: Readonly<Record<string, number>>;
}

/**
 * At most this many hold keys are listed across one bundle's components: 30 components with 64
 * keys of 22 characters stay far under the 10,000 bytes a metafield may bring into the checkout
 * Function's input (a unit test checks the worst case). A key left out gets nothing back: its
 * holder is refused beyond `available`, so its hold is not confirmed (stricter, never kinder).
 */
export const MAX_BUNDLE_LISTED_HOLDS = 64;

/** One component's checkout-channel plan and the running holds on it (the component's own listed holds). */
export interface ComponentForCheckout {
  readonly variantId: string;
  readonly quantity: number;
  readonly planned: { readonly available: number; readonly paused: boolean };
  readonly held: number;
  /** Units held per listed hold key, oldest hold first. */
  readonly keys: Readonly<Record<string, number>>;
}

/**
 * A bundle's components as its published value lists them. Each checkout may take of a component
 * what the component's own value would let it: its number less what *other* checkouts hold
 * (max(0, number − (held − own))); every other cart `available` = max(0, number − held). The
 * difference is listed under the checkout's key. Keys are taken in rounds, the oldest hold of
 * every component first, up to MAX_BUNDLE_LISTED_HOLDS; a paused component lists none (nobody may
 * take it).
 */
export function componentsForCheckout(components: readonly ComponentForCheckout[]): PublishedComponent[] {
  const available = components.map((component) => (component.planned.paused ? 0 : Math.max(0, component.planned.available - component.held)));
  const keys = components.map((): Record<string, number> => ({}));
  const ranked = components.map((component) => (component.planned.paused ? [] : Object.entries(component.keys)));
  let budget = MAX_BUNDLE_LISTED_HOLDS;
  for (let rank = 0; budget > 0 && ranked.some((list) => rank < list.length); rank++) {
    components.forEach((component, index) => {
      const entry = ranked[index]![rank];
      if (entry === undefined || budget === 0) return;
      const [key, own] = entry;
      const back = Math.max(0, component.planned.available - Math.max(0, component.held - own)) - available[index]!;
      if (back <= 0) return;
      keys[index]![key] = back;
      budget--;
    });
  }
  return components.map((component, index) => ({
    variantId: component.variantId,
    quantity: component.quantity,
    available: available[index]!,
    ...(Object.keys(keys[index]!).length > 0 ? { keys: keys[index]! } : {}),
  }));
}
