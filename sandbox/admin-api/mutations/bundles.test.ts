import { describe, expect, it } from "vitest";
import { ORDER_CREATE, testShop } from "../test-helpers.js";

const RELATE = `mutation Relate($input: [ProductVariantRelationshipUpdateInput!]!) {
  productVariantRelationshipBulkUpdate(input: $input) {
    parentProductVariants { id requiresComponents productVariantComponents(first: 30) { nodes { quantity productVariant { sku } } } }
    userErrors { field message code }
  }
}`;

const READ = `query Read($id: ID!) {
  productVariant(id: $id) {
    requiresComponents
    productVariantComponents(first: 30) { nodes { quantity productVariant { sku inventoryItem { id } } } }
    productParents(first: 5) { nodes { title } }
    product { isGiftCard }
  }
}`;

describe("fixed bundles", () => {
  it("the realistic seed's Summer Set is a bundle of one SHIRT-M and two TOTE-NAT, read back through the schema", async () => {
    const t = testShop({ seed: "realistic" });
    const set = await t.gql(READ, { id: t.variantBySku("SET-SUMMER").variantId });
    expect(set.errors).toBeUndefined();
    expect(set.data.productVariant).toMatchObject({
      requiresComponents: true,
      productVariantComponents: { nodes: [{ quantity: 1, productVariant: { sku: "SHIRT-M" } }, { quantity: 2, productVariant: { sku: "TOTE-NAT" } }] },
      product: { isGiftCard: false },
    });
    const shirt = await t.gql(READ, { id: t.variantBySku("TOTE-NAT").variantId });
    expect(shirt.data.productVariant).toMatchObject({ requiresComponents: false, productParents: { nodes: [{ title: "Summer Set" }] } });
    const gift = await t.gql(READ, { id: t.variantBySku("GIFT-25").variantId });
    expect(gift.data.productVariant.product.isGiftCard).toBe(true);
  });

  it("productVariantRelationshipBulkUpdate makes a bundle, and refuses nesting, bad quantities and unknown variants without changing anything", async () => {
    const t = testShop();
    const parent = t.variantBySku("MUG-WHT").variantId;
    const made = await t.gql(RELATE, { input: [{ parentProductVariantId: parent, productVariantRelationshipsToCreate: [{ id: t.variantBySku("MUG-BLU").variantId, quantity: 2 }] }] });
    expect(made.data.productVariantRelationshipBulkUpdate).toEqual({
      parentProductVariants: [{ id: parent, requiresComponents: true, productVariantComponents: { nodes: [{ quantity: 2, productVariant: { sku: "MUG-BLU" } }] } }],
      userErrors: [],
    });
    const nested = await t.gql(RELATE, { input: [{ parentProductVariantId: t.variantBySku("RING-6").variantId, productVariantRelationshipsToCreate: [{ id: parent, quantity: 1 }] }] });
    expect(nested.data.productVariantRelationshipBulkUpdate.userErrors.map((e: { code: string }) => e.code)).toEqual(["NESTED_PARENT_PRODUCT_VARIANT"]);
    const bad = await t.gql(RELATE, {
      input: [
        { parentProductVariantId: t.variantBySku("RING-7").variantId, productVariantRelationshipsToCreate: [{ id: t.variantBySku("RING-8").variantId, quantity: 0 }] },
        { parentProductVariantId: t.variantBySku("RING-6").variantId, productVariantRelationshipsToCreate: [{ id: "gid://shopify/ProductVariant/999999", quantity: 1 }] },
      ],
    });
    expect(bad.data.productVariantRelationshipBulkUpdate.userErrors.map((e: { code: string }) => e.code)).toEqual(["INVALID_QUANTITY", "PRODUCT_VARIANTS_NOT_FOUND"]);
    expect([...t.shop.state.variants.values()].filter((v) => v.components?.length).map((v) => v.sku)).toEqual(["MUG-WHT"]);
  });

  it("an order for a bundle commits its components at the Warehouse, never the bundle, with one line per component in its group", async () => {
    const t = testShop({ seed: "realistic" });
    // Seeded Warehouse available: SHIRT-M 42, TOTE-NAT 120. Two sets take 2 shirts and 4 totes.
    const res = await t.gql(ORDER_CREATE, {
      order: { sourceName: "web", lineItems: [{ variantId: t.variantBySku("SET-SUMMER").variantId, quantity: 2 }] },
      options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
    });
    expect(res.data.orderCreate.userErrors).toEqual([]);
    expect(res.data.orderCreate.order.lineItems.nodes.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([
      ["SHIRT-M", 2],
      ["TOTE-NAT", 4],
    ]);
    expect(t.level("SHIRT-M", "Warehouse")).toMatchObject({ available: 40, committed: 2 });
    expect(t.level("TOTE-NAT", "Warehouse")).toMatchObject({ available: 116, committed: 4 });
    expect(t.level("SET-SUMMER", "Warehouse")).toMatchObject({ available: 0, committed: 0 });
    const order = [...t.shop.state.orders.values()][0]!;
    expect(order.lineItems.map((l) => l.lineItemGroup?.variantId)).toEqual([t.variantBySku("SET-SUMMER").variantId, t.variantBySku("SET-SUMMER").variantId]);
  });
});
