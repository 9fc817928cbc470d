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
  readonly available: number;
}
