import { describe, expect, it } from "vitest";
import { ORDER_CREATE, testShop } from "../admin-api/test-helpers.js";
import { eventToWebhook, webhookBodyText } from "./payloads.js";

describe("REST webhook payloads of a shop whose ids lie beyond 2^53", () => {
  it("carry every id as the exact JSON integer, as Shopify's sample payloads do (docs/decisions/012)", async () => {
    const t = testShop({ idBase: "9007199254740993" });
    const { variantId, itemId } = t.variantBySku("RING-6");
    const created = await t.gql(ORDER_CREATE, {
      order: { sourceName: "web", lineItems: [{ variantId, quantity: 1 }] },
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    });
    expect(created.data.orderCreate.userErrors).toEqual([]);
    const tail = (gid: string) => /\/(\d+)(\?.*)?$/.exec(gid)![1]!;
    // Hand-computed from the base: each type's first id is base + its ID_BASES entry − 1.
    expect(tail(variantId)).toBe("9052199254740993");
    expect(tail(itemId)).toBe("9054199254740993");

    const bodies = t.events.map((event) => eventToWebhook(event, t.shop.state.shop.domain)).map(({ topic, payload }) => ({ topic, text: webhookBodyText(payload) }));
    const order = bodies.find((body) => body.topic === "orders/create")!.text;
    const orderId = tail(created.data.orderCreate.order.id);
    expect(order).toContain(`"id":${orderId},`);
    expect(order).toContain(`"variant_id":9052199254740993,`);
    const level = bodies.find((body) => body.topic === "inventory_levels/update")!.text;
    expect(level).toContain(`"inventory_item_id":9054199254740993,`);
    // Still JSON (a plain parse rounds these ids: why the app must not use one).
    expect(() => JSON.parse(order)).not.toThrow();
    expect(String((JSON.parse(level) as { inventory_item_id: number }).inventory_item_id)).not.toBe("9054199254740993");
  });

  it("keep ids below 2^53 as plain numbers (the default shop)", () => {
    expect(webhookBodyText({ id: 6000000000001, nested: [{ id: 7n }], text: "a\u0000jsonint:5" })).toBe('{"id":6000000000001,"nested":[{"id":7}],"text":"a\\u0000jsonint:5"}');
  });
});
