import { describe, expect, it } from "vitest";
import { storedWebhookBody } from "./webhook-fields";

// Hand-written bodies after Shopify's samples (shopify.dev/docs/api/webhooks, orders/create;
// shopify.dev/docs/apps/build/compliance/privacy-law-compliance for the compliance bodies).
const ORDER = `{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","email":"jon@example.com",
"created_at":"2026-12-01T10:00:00Z","updated_at":"2026-12-01T10:00:00Z","source_name":"web","checkout_token":"abc","phone":"+15550001",
"note":"leave at door","customer":{"id":1,"email":"jon@example.com","first_name":"Jon"},"billing_address":{"address1":"1 Main St"},
"note_attributes":[{"name":"_safestockHold","value":"k1"},{"name":"gift_message","value":"For Ann"}],
"line_items":[{"id":866550311766439020,"admin_graphql_api_id":"gid://shopify/LineItem/866550311766439020","variant_id":808950810,"quantity":2,"name":"IPod","properties":[{"name":"engraving","value":"Jon"}]}]}`;

describe("storedWebhookBody", () => {
  it("keeps only the fields the pipeline reads of an order, ids exact, the hold attribute alone", () => {
    expect(JSON.parse(storedWebhookBody("orders/create", ORDER))).toEqual({
      id: "820982911946154508",
      admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
      created_at: "2026-12-01T10:00:00Z",
      updated_at: "2026-12-01T10:00:00Z",
      source_name: "web",
      checkout_token: "abc",
      note_attributes: [{ name: "_safestockHold", value: "k1" }],
      line_items: [{ id: "866550311766439020", admin_graphql_api_id: "gid://shopify/LineItem/866550311766439020", variant_id: 808950810, quantity: 2 }],
    });
  });

  it("keeps a compliance request's customer id, not its email or phone", () => {
    const body = '{"shop_id":954889,"shop_domain":"s.myshopify.com","customer":{"id":191167,"email":"john@example.com","phone":"555-625-1199"},"orders_to_redact":[299938]}';
    expect(JSON.parse(storedWebhookBody("customers/redact", body))).toEqual({ shop_id: 954889, shop_domain: "s.myshopify.com", customer: { id: 191167 }, orders_to_redact: [299938] });
  });

  it("stores other topics as delivered, and a body that is not a JSON object as {}", () => {
    const level = '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":6}';
    expect(storedWebhookBody("inventory_levels/update", level)).toBe(level);
    expect(storedWebhookBody("orders/create", "not json")).toBe("{}");
    expect(storedWebhookBody("orders/create", "[1]")).toBe("{}");
  });
});
