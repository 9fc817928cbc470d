import { describe, expect, it } from "vitest";
import { includeFields } from "./include-fields.js";
import { webhookBodyText } from "./payloads.js";

// Expected values written by hand from the rule on shopify.dev/docs/apps/build/webhooks/customize/modify-payloads:
// only the named fields, nested ones named with a period.
const order = {
  id: 820982911946154508n,
  email: "jon@example.com",
  customer: { id: 1, email: "jon@example.com", default_address: { city: "Ottawa" } },
  note_attributes: [{ name: "a", value: "b" }],
  line_items: [
    { id: 1, variant_id: 11, quantity: 2, name: "Ring", properties: [] },
    { id: 2, variant_id: null, quantity: 1, name: "Custom" },
  ],
};

describe("include_fields", () => {
  it("keeps only the named fields, through arrays element by element, and whole subtrees by their parent's name", () => {
    const trimmed = includeFields(order, ["id", "note_attributes", "line_items.variant_id", "line_items.quantity", "missing.field"]);
    expect(webhookBodyText(trimmed)).toBe(
      '{"id":820982911946154508,"note_attributes":[{"name":"a","value":"b"}],"line_items":[{"variant_id":11,"quantity":2},{"variant_id":null,"quantity":1}]}',
    );
  });

  it("delivers the whole payload without include_fields", () => {
    expect(includeFields(order, undefined)).toBe(order);
    expect(includeFields(order, [])).toBe(order);
  });

  it("a parent named beside one of its fields keeps the parent whole", () => {
    expect(includeFields(order, ["customer.id", "customer"])).toEqual({ customer: order.customer });
    expect(includeFields(order, ["customer", "customer.id"])).toEqual({ customer: order.customer });
  });
});
