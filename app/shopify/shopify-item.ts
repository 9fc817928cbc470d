/**
 * One inventory item as the app uses it, mapped from the parts every read returns (paged reads in
 * inventory.server.ts, bulk JSONL in bulk-catalog.server.ts). Its own module so that the two
 * readers do not import each other.
 */
import type { SafestockItemLevelsFragment } from "./admin-types.generated";
import { leftAloneReason, type LeftAloneReason } from "~/domain/left-alone";
import { QUANTITY_NAMES } from "./documents";

export type QuantityName = (typeof QUANTITY_NAMES)[number];
export type Quantities = Record<QuantityName, number>;

export interface ShopifyLevel {
  levelId: string;
  locationId: string;
  locationName: string;
  locationActive: boolean;
  quantities: Quantities;
}

export interface ShopifyItem {
  inventoryItemId: string;
  sku: string;
  tracked: boolean;
  /**
   * The variant's `inventoryPolicy` is CONTINUE: it keeps selling when out of stock (preorders,
   * backorders), so it is never blocked at checkout nor counted as oversold.
   */
  continueSelling: boolean;
  /**
   * Why Safestock leaves this item alone, when it does (docs/decisions/034): Shopify does not
   * track its stock, it is a gift card, or nothing ships (a digital good or service). Null: planned.
   */
  leftAlone: LeftAloneReason | null;
  /** A fixed bundle's parent variant (`requiresComponents`): it sells its components' stock. */
  isBundle: boolean;
  /**
   * Part of a fixed bundle: a bundle, or a component of one (its variant has `productParents`).
   * Null when the read could not tell (a bulk line: its connections may nest only two deep), so
   * its bundle links are asked for (docs/decisions/034 "Links only for bundles and their components").
   */
  inBundle: boolean | null;
  variantId: string | null;
  variantTitle: string;
  productId: string | null;
  productTitle: string;
  tags: string[];
  channelMetafield: { id: string; value: string; compareDigest: string } | null;
  levels: ShopifyLevel[];
  /**
   * Fenced channels (handles) the product is not published on, read after the item for a policy
   * with a ring fence (sync-items.server.ts `withFencePublications`, docs/decisions/045). Absent:
   * not read, so every fence applies.
   */
  unpublishedChannels?: string[];
}

// Shapes of what Shopify answers, generated from the 2026-10 schema (npm run codegen).
type RawVariant = NonNullable<SafestockItemLevelsFragment["variants"]>["nodes"][number];
type RawLevel = SafestockItemLevelsFragment["inventoryLevels"]["nodes"][number];

/** One item as the app uses it, from the parts any read (paged or bulk) returns. */
export function shopifyItemFrom(
  item: { id: string; sku: string | null; tracked: boolean; requiresShipping: boolean },
  /** A bulk line has no `productParents` (a third nested connection). */
  variant: (Omit<RawVariant, "productParents"> & Partial<Pick<RawVariant, "productParents">>) | undefined,
  levels: readonly RawLevel[],
): ShopifyItem {
  const isBundle = variant?.requiresComponents === true;
  return {
    inventoryItemId: item.id,
    sku: item.sku ?? "",
    tracked: item.tracked,
    continueSelling: variant?.inventoryPolicy === "CONTINUE",
    leftAlone: isBundle ? null : leftAloneReason({ tracked: item.tracked, isGiftCard: variant?.product.isGiftCard === true, requiresShipping: item.requiresShipping !== false }),
    isBundle,
    inBundle: isBundle ? true : variant?.productParents ? variant.productParents.nodes.length > 0 : null,
    variantId: variant?.id ?? null,
    variantTitle: variant?.title ?? "",
    productId: variant?.product.id ?? null,
    productTitle: variant?.product.title ?? "",
    tags: variant?.product.tags ?? [],
    channelMetafield: variant?.metafield ?? null,
    levels: levels.map((level) => ({
      levelId: level.id,
      locationId: level.location.id,
      locationName: level.location.name,
      locationActive: level.location.isActive,
      quantities: Object.fromEntries(
        QUANTITY_NAMES.map((name) => [name, level.quantities.find((q) => q.name === name)?.quantity ?? 0]),
      ) as Quantities,
    })),
  };
}
