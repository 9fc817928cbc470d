import { describe, expect, it } from "vitest";
import { deliveryClaims, payloadChangedAt, stalenessOf } from "./webhook-claims";

const SHOP = "snowdevil.myshopify.com";
const OTHER = "someone-else.myshopify.com";
const HOUR = 3_600_000;

// Bodies shaped like Shopify's samples (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance,
// https://shopify.dev/docs/api/webhooks), written out by hand.
const shopRedact = { shop_id: 954889, shop_domain: SHOP };
const customersRedact = { shop_id: 954889, shop_domain: SHOP, customer: { id: 191167, email: "john@example.com", phone: "555-625-1199" }, orders_to_redact: [299938, 280263] };
const dataRequest = { shop_id: 954889, shop_domain: SHOP, orders_requested: [299938], customer: { id: 191167, email: "john@example.com", phone: "555-625-1199" }, data_request: { id: 9999 } };
const uninstalled = { id: 548380009, name: "Super Toys", email: "super@supertoys.com", domain: "supertoys.com", myshopify_domain: SHOP };
const order = { id: 450789469, admin_graphql_api_id: "gid://shopify/Order/450789469", updated_at: "2026-12-01T10:00:00-05:00", line_items: [] };

describe("deliveryClaims", () => {
  it.each([
    ["shop/redact", shopRedact],
    ["customers/redact", customersRedact],
    ["customers/data_request", dataRequest],
    ["app/uninstalled", uninstalled],
    ["orders/create", order],
    ["orders/cancelled", order],
  ] as const)("%s: a body for the header's shop agrees", (topic, body) => {
    expect(deliveryClaims(topic, SHOP, body)).toEqual({ agree: true });
  });

  it("compares domains without regard to case", () => {
    expect(deliveryClaims("shop/redact", SHOP.toUpperCase(), shopRedact)).toEqual({ agree: true });
  });

  it.each([
    ["shop/redact", shopRedact],
    ["customers/redact", customersRedact],
    ["customers/data_request", dataRequest],
    ["app/uninstalled", uninstalled],
  ] as const)("%s: a body for another shop disagrees, naming both", (topic, body) => {
    const verdict = deliveryClaims(topic, OTHER, body);
    expect(verdict.agree).toBe(false);
    if (!verdict.agree) expect(verdict.reason).toBe(`the payload is for ${SHOP}, the X-Shopify-Shop-Domain header says ${OTHER}`);
  });

  it("app/uninstalled is named by myshopify_domain, not by a custom primary domain", () => {
    expect(deliveryClaims("app/uninstalled", "supertoys.com", uninstalled).agree).toBe(false);
    expect(deliveryClaims("app/uninstalled", SHOP, { ...uninstalled, myshopify_domain: null, domain: SHOP })).toEqual({ agree: true });
  });

  it.each([
    ["shop/redact", order, "a shop/redact payload names its shop_id"],
    ["shop/redact", { shop_domain: SHOP }, "a shop/redact payload names its shop_id"],
    ["shop/redact", customersRedact, "a shop/redact payload carries no customer"],
    ["customers/redact", shopRedact, "a customers/redact payload carries customer and orders_to_redact"],
    ["customers/data_request", customersRedact, "a customers/data_request payload carries customer and data_request"],
    ["app/uninstalled", shopRedact, "an app/uninstalled payload is the Shop resource"],
    ["app/uninstalled", order, "the payload describes Order; app/uninstalled payloads describe Shop"],
    ["orders/create", shopRedact, "orders/create payloads carry no shop domain: this is another topic's body"],
    ["orders/create", uninstalled, "orders/create payloads carry no shop domain: this is another topic's body"],
    ["inventory_levels/update", order, "the payload describes Order; inventory_levels/update payloads describe InventoryLevel"],
  ] as const)("%s with another topic's body disagrees", (topic, body, reason) => {
    expect(deliveryClaims(topic, SHOP, body)).toEqual({ agree: false, reason });
  });

  it("a topic that carries its shop and a body that names none disagree", () => {
    expect(deliveryClaims("app/uninstalled", SHOP, { id: 1 })).toEqual({ agree: false, reason: "the app/uninstalled payload names no shop" });
    expect(deliveryClaims("customers/redact", SHOP, { ...customersRedact, shop_domain: "" })).toEqual({ agree: false, reason: "the customers/redact payload names no shop" });
  });

  it("a body that is not a JSON object disagrees", () => {
    for (const body of [null, [], "text", 3]) expect(deliveryClaims("orders/create", SHOP, body).agree).toBe(false);
  });
});

describe("payloadChangedAt", () => {
  it("reads the signed change time of orders, levels, refunds and scope updates, and of no other topic", () => {
    expect(payloadChangedAt("app/scopes_update", { id: 1, previous: ["read_products"], current: [], updated_at: "2026-12-01T10:00:00-05:00" })?.toISOString()).toBe("2026-12-01T15:00:00.000Z");
    expect(payloadChangedAt("orders/updated", order)?.toISOString()).toBe("2026-12-01T15:00:00.000Z");
    expect(payloadChangedAt("inventory_levels/update", { updated_at: "2026-12-01T10:00:00Z" })?.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(payloadChangedAt("refunds/create", { created_at: "2026-12-01T10:00:00Z" })?.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(payloadChangedAt("products/update", { updated_at: "2026-12-01T10:00:00Z" })).toBeNull();
    expect(payloadChangedAt("orders/create", { updated_at: "not a date" })).toBeNull();
  });
});

describe("stalenessOf", () => {
  const received = new Date("2026-12-03T12:00:00Z");
  const window = 26 * HOUR;

  it("a delivery within the window is fresh, whichever time it has", () => {
    expect(stalenessOf(received, window, { triggeredAt: null, changedAt: null })).toBeNull();
    expect(stalenessOf(received, window, { triggeredAt: new Date("2026-12-02T10:00:00Z"), changedAt: null })).toBeNull();
  });

  it("the older of the trigger time and the payload's own time decides", () => {
    expect(stalenessOf(received, window, { triggeredAt: new Date("2026-12-01T12:00:00Z"), changedAt: null })).toBe(
      "triggered 48 h before it arrived, beyond the 26 h freshness window",
    );
    expect(stalenessOf(received, window, { triggeredAt: received, changedAt: new Date("2026-12-01T12:00:00Z") })).toBe(
      "changed in Shopify 48 h before it arrived, beyond the 26 h freshness window",
    );
  });
});
