import { describe, expect, it } from "vitest";
import { orderPayloadOf, parseWebhookBody, webhookEffects } from "./webhook-payload";

describe("parseWebhookBody", () => {
  it("keeps ids above 2^53 exact", () => {
    const body = parseWebhookBody('{"id":820982911946154508,"total":"12.50","qty":3,"n":-1.5e3}') as Record<string, unknown>;
    expect(body.id).toBe("820982911946154508");
    expect(body.qty).toBe(3);
    expect(body.n).toBe(-1500);
  });

  it("leaves digits inside strings alone", () => {
    const body = parseWebhookBody('{"note":"call 12345678901234567 \\" 98765432109876543","id":1}') as Record<string, unknown>;
    expect(body.note).toBe('call 12345678901234567 " 98765432109876543');
  });
});

describe("webhookEffects", () => {
  it("maps an inventory level update to its inventory item", () => {
    const payload = parseWebhookBody('{"inventory_item_id":808950810999999999,"location_id":1,"available":3}');
    expect(webhookEffects("inventory_levels/update", payload).inventoryItemIds).toEqual([
      "gid://shopify/InventoryItem/808950810999999999",
    ]);
  });

  it("maps order and refund lines to variants", () => {
    const order = parseWebhookBody('{"line_items":[{"variant_id":11,"quantity":1},{"variant_id":null},{"variant_id":12}]}');
    expect(webhookEffects("orders/create", order).variantIds).toEqual([
      "gid://shopify/ProductVariant/11",
      "gid://shopify/ProductVariant/12",
    ]);
    const refund = parseWebhookBody('{"refund_line_items":[{"quantity":1,"line_item":{"variant_id":12}}]}');
    expect(webhookEffects("refunds/create", refund).variantIds).toEqual(["gid://shopify/ProductVariant/12"]);
  });
});

describe("orderPayloadOf", () => {
  const receivedAt = new Date("2026-11-30T12:00:05Z");

  it("reads the order's gid, time, location and tracked lines, with the line ids Shopify sends", () => {
    const order = parseWebhookBody(
      '{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","created_at":"2026-11-30T12:00:00Z","location_id":655441491,' +
        '"line_items":[{"id":1,"admin_graphql_api_id":"gid://shopify/LineItem/1","variant_id":808950810,"quantity":2},{"id":2,"variant_id":null,"quantity":1,"title":"Gift wrap"}]}',
    );
    expect(orderPayloadOf(order, receivedAt)).toEqual({
      orderId: "gid://shopify/Order/820982911946154508",
      occurredAt: new Date("2026-11-30T12:00:00Z"),
      locationId: "gid://shopify/Location/655441491",
      lines: [{ lineItemId: "gid://shopify/LineItem/1", variantId: "gid://shopify/ProductVariant/808950810", quantity: 2 }],
    });
  });

  it("falls back to the receipt time, numeric ids and a line id under the order when the payload lacks them", () => {
    expect(orderPayloadOf({ id: 7, created_at: "not a date", line_items: [{ id: 3, variant_id: 9, quantity: "x" }] }, receivedAt)).toEqual({
      orderId: "gid://shopify/Order/7",
      occurredAt: receivedAt,
      locationId: null,
      lines: [{ lineItemId: "gid://shopify/Order/7/3", variantId: "gid://shopify/ProductVariant/9", quantity: 0 }],
    });
  });
});
