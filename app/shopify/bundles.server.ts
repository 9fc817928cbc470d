/**
 * Fixed bundles as Safestock reads them (docs/decisions/034): which variants of a run are bundles
 * and what they are made of, and which bundles a run's components belong to, so a bundle is always
 * planned in the same run as its components (its numbers are derived from theirs).
 */
import type { AdminClient } from "./admin-client.server";
import { BUNDLE_LINKS_QUERY, BUNDLE_PARENT_VARIANTS_QUERY } from "./documents";
import type {
  SafestockBundleLinksQuery,
  SafestockBundleLinksQueryVariables,
  SafestockBundleParentVariantsQuery,
  SafestockBundleParentVariantsQueryVariables,
} from "./admin-types.generated";

/** One component of a bundle: its variant and inventory item, and units per bundle. */
export interface ShopifyBundleComponent {
  variantId: string;
  inventoryItemId: string;
  sku: string;
  title: string;
  quantity: number;
}

export interface BundleLinks {
  /** Per bundle variant id, its components. */
  components: Map<string, ShopifyBundleComponent[]>;
  /** Products holding a bundle that one of the variants is a component of. */
  parentProductIds: Set<string>;
  /** Variants that are a component of some bundle (they have `productParents`). */
  componentVariantIds: Set<string>;
}

/** Variants per `nodes(ids:)` read: each brings up to 30 components and 10 parents (cost stays far below 1,000). */
const VARIANTS_PER_READ = 25;

type LinkNode = Extract<NonNullable<SafestockBundleLinksQuery["nodes"][number]>, { id: string }>;

export async function readBundleLinks(client: AdminClient, variantIds: readonly string[]): Promise<BundleLinks> {
  const links: BundleLinks = { components: new Map(), parentProductIds: new Set(), componentVariantIds: new Set() };
  for (let start = 0; start < variantIds.length; start += VARIANTS_PER_READ) {
    const ids = variantIds.slice(start, start + VARIANTS_PER_READ);
    const { data } = await client.request<SafestockBundleLinksQuery>("SafestockBundleLinks", BUNDLE_LINKS_QUERY, { ids } satisfies SafestockBundleLinksQueryVariables);
    for (const node of data.nodes) {
      if (!node || !("id" in node)) continue;
      const variant = node as LinkNode;
      for (const parent of variant.productParents.nodes) links.parentProductIds.add(parent.id);
      if (variant.productParents.nodes.length > 0) links.componentVariantIds.add(variant.id);
      if (!variant.requiresComponents) continue;
      links.components.set(
        variant.id,
        variant.productVariantComponents.nodes.map((component) => ({
          variantId: component.productVariant.id,
          inventoryItemId: component.productVariant.inventoryItem.id,
          sku: component.productVariant.sku ?? "",
          title: component.productVariant.title,
          quantity: component.quantity,
        })),
      );
    }
  }
  return links;
}

/** The inventory items of the bundle variants of some products. */
export async function readBundleItemsOfProducts(client: AdminClient, productIds: readonly string[]): Promise<string[]> {
  const items: string[] = [];
  for (let start = 0; start < productIds.length; start += VARIANTS_PER_READ) {
    const ids = productIds.slice(start, start + VARIANTS_PER_READ);
    const { data } = await client.request<SafestockBundleParentVariantsQuery>("SafestockBundleParentVariants", BUNDLE_PARENT_VARIANTS_QUERY, {
      ids,
    } satisfies SafestockBundleParentVariantsQueryVariables);
    for (const node of data.nodes) {
      if (!node || !("variants" in node)) continue;
      for (const variant of node.variants.nodes) if (variant.requiresComponents) items.push(variant.inventoryItem.id);
    }
  }
  return items;
}
