/**
 * Items Safestock leaves alone (docs/decisions/034): it never moves their stock nor publishes a
 * number for them, and says why wherever the merchant looks for them.
 * - Not tracked: Shopify counts no stock for the item (`InventoryItem.tracked: false`,
 *   https://shopify.dev/docs/api/admin-graphql/latest/objects/InventoryItem#field-tracked), so it
 *   never sells out and there is nothing to protect.
 * - Gift cards (`Product.isGiftCard`): a card is a balance, not a unit on a shelf.
 * - Digital goods and services (`InventoryItem.requiresShipping: false`): nothing leaves a location,
 *   so no location's stock can be oversold by them.
 * A fixed bundle is not left alone even though its own item has no stock: it sells its components'
 * (./bundles.ts).
 */
export type LeftAloneReason = "untracked" | "gift_card" | "digital";

/** Why an item is left alone, or null when Safestock plans it. The first reason that applies is named. */
export function leftAloneReason(item: { readonly tracked: boolean; readonly isGiftCard: boolean; readonly requiresShipping: boolean }): LeftAloneReason | null {
  if (item.isGiftCard) return "gift_card";
  if (!item.tracked) return "untracked";
  if (!item.requiresShipping) return "digital";
  return null;
}

/** The merchant's words for a reason (Inventory page, explanations). */
export function leftAloneText(reason: LeftAloneReason): string {
  switch (reason) {
    case "untracked":
      return "Left alone: Shopify does not track this item's inventory, so it never sells out. Turn on \"Track quantity\" to protect it.";
    case "gift_card":
      return "Left alone: gift cards have no stock to protect.";
    case "digital":
      return "Left alone: this item does not ship (a digital good or service), so no location's stock is at risk.";
  }
}
