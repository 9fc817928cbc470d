/**
 * "Bad input gets a clear error and loses nothing", for what Shopify and the checkout call:
 * fast-check sends the checkout extension's /api/holds hostile JSON (wrong types, negative, huge
 * and fractional quantities, unknown variants, missing fields), Flow's action and lifecycle
 * routes signed bodies of any shape (no or a bad shop domain, missing properties, wrong types),
 * and every webhook route signed bodies with fields missing or of the wrong type. Invariants,
 * written here: never a 5xx (Flow and Shopify retry a 5xx, so a malformed body would come back
 * for hours); a refusal names what is wrong, field by field; a refused Flow run changes no policy,
 * audit entry or level; each webhook delivery ends processed, refused or parked and no job dies
 * (tests/webhook-intake-bounds*.test.ts cover the limits and the malformed-JSON path).
 */
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { COMPLIANCE_TOPICS, WEBHOOK_TOPICS, webhookPath } from "~/shopify/webhook-topics";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { deliverToApp, type Harness } from "./support/harness";
import { action as holdsAction } from "~/routes/api.holds";
import { callHolds, startHoldsHarness } from "./support/holds";
import { webhookHeaders, webhookHmac } from "./support/signed-webhook";
import { processQueuedDeliveries } from "./support/webhook-jobs";

const SHOP = SANDBOX_SHOP_DOMAIN;
let harness: Harness;

beforeAll(async () => {
  harness = await startHoldsHarness(SHOP);
}, 60_000);
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

const scalar = fc.oneof(
  fc.constantFrom(-1, 0, 1, 2, 1.5, -0, 10_000, 10_001, 2 ** 53, 1e308, "", "1", "RING-7", "Warehouse", "online_store", "gid://shopify/ProductVariant/1", SHOP, "other.myshopify.com"),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 16 }),
  fc.boolean(),
  fc.constant(null),
);
const anyJson = fc.letrec((tie) => ({ value: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), { maxKeys: 3 })) })).value;

/** A refusal's words name each problem: no stack, no bare "Required" without the field it concerns. */
function unclear(text: string): string | null {
  if (/\n\s+at |TypeError|RangeError|Received invalid shop argument/.test(text)) return "a stack or library error";
  if (/(^|; )(Required|Expected [^;]*|Invalid input[^;]*)(;|$)/.test(text)) return `a problem without its field: ${text.slice(0, 200)}`;
  return null;
}

describe("the checkout extension's holds API", () => {
  it("answers hostile bodies below 500; a 400 names each refused field; unknown variants and odd quantities hold nothing", async () => {
    const variants = harness.sandbox.shop(SHOP).snapshot().variants.map((variant) => variant.id);
    const variantId = fc.oneof(fc.constantFrom(...variants, "gid://shopify/ProductVariant/999999999", "gid://shopify/ProductVariant/-1", "gid://shopify/ProductVariant/abc"), scalar);
    const line = fc.record({ variantId, quantity: fc.oneof(fc.integer({ min: -5, max: 20 }), scalar) }, { requiredKeys: [] });
    const body = fc.oneof(
      fc.record({ checkoutToken: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), scalar), holdKey: fc.oneof(fc.string({ maxLength: 12 }), scalar), lines: fc.oneof(fc.array(line, { maxLength: 6 }), anyJson), variantIds: fc.array(variantId, { maxLength: 3 }) }, { requiredKeys: [] }),
      anyJson,
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("POST" as const, "DELETE" as const), body, async (method, payload) => {
        const answer = await callHolds(harness, SHOP, method, payload).catch((thrown: unknown) => ({ status: 599, body: { error: String((thrown as Error)?.stack ?? thrown) } }));
        expect(answer.status, `${method} ${JSON.stringify(payload).slice(0, 300)} answered ${JSON.stringify(answer.body).slice(0, 300)}`).toBeLessThan(500);
        if (answer.status === 400) expect(unclear(String(answer.body.error)), `${method} ${JSON.stringify(payload).slice(0, 200)}`).toBeNull();
        // A line held is a known variant with a whole positive quantity: nothing else reserves stock,
        // and a variant sent with a line of no units or fewer is refused, not netted against its other lines.
        const sent = ((payload as { lines?: unknown })?.lines ?? []) as { variantId?: unknown; quantity?: unknown }[];
        for (const held of (answer.body.lines ?? []) as { variantId: string; held?: boolean; units?: number }[]) {
          if (!held.held) continue;
          expect(variants).toContain(held.variantId);
          expect(Number.isInteger(held.units) && held.units! > 0).toBe(true);
          const quantities = sent.filter((line) => line.variantId === held.variantId).map((line) => line.quantity as number);
          expect(quantities.every((quantity) => quantity >= 1), `${held.variantId} held ${held.units} from lines ${JSON.stringify(quantities)}`).toBe(true);
          expect(held.units).toBe(quantities.reduce((sum, quantity) => sum + quantity, 0));
        }
      }),
      { seed: 20261208, numRuns: 60 },
    );
  }, 60_000);
});

describe("the holds API's hand-pinned refusals", () => {
  const post = (method: string, body: string) =>
    holdsAction({
      request: new Request("https://safestock.test/api/holds", {
        method,
        headers: { "Content-Type": "application/json", Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${harness.sandbox.mintSessionToken(SHOP)}` },
        body,
      }),
      params: {},
      context: {},
    });
  const activeHolds = () => prisma.cartHold.count({ where: { shop: SHOP, status: "active" } });

  it.each(["PUT", "PATCH"])("%s is 405 and holds nothing (it was read as a POST)", async (method) => {
    const variantId = harness.sandbox.shop(SHOP).snapshot().variants[0]!.id;
    const before = await activeHolds();
    const response = await post(method, JSON.stringify({ checkoutToken: `checkout-${method}`, lines: [{ variantId, quantity: 1 }] }));
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST, DELETE");
    expect(await activeHolds()).toBe(before);
  });

  it("a body that is not JSON is 'body: is not JSON', not 'received null'", async () => {
    const response = await post("POST", "{not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "body: is not JSON" });
  });

  it("a variant sent as 5 units and −3 is refused, not held as 2", async () => {
    const variantId = harness.sandbox.shop(SHOP).snapshot().variants[0]!.id;
    const before = await activeHolds();
    const answer = await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-netted", lines: [{ variantId, quantity: 5 }, { variantId, quantity: -3 }] });
    expect(answer.status).toBe(409);
    expect(answer.body.lines).toEqual([expect.objectContaining({ variantId, ok: false, reason: "The quantity must be a whole number above zero." })]);
    expect(await activeHolds()).toBe(before);
  });
});

/** A signed POST as Shopify signs its Flow requests and webhooks (X-Shopify-Hmac-Sha256 over the raw body). */
function signedPost(path: string, raw: string, headers: Record<string, string> = {}) {
  return deliverToApp(new Request(`https://safestock.test${path}`, { method: "POST", headers: { "X-Shopify-Hmac-Sha256": webhookHmac(raw), ...headers }, body: raw }));
}

async function flowVisibleState() {
  return {
    versions: await prisma.policyVersion.count({ where: { shop: SHOP } }),
    audit: await prisma.auditEntry.count({ where: { shop: SHOP } }),
    draft: await prisma.policyDraft.findUnique({ where: { shop: SHOP }, select: { document: true } }),
    levels: harness.sandbox.shop(SHOP).snapshot().inventoryLevels.map((level) => [level.id, level.quantities.safety_stock, level.quantities.available]),
  };
}

describe("Flow's action and lifecycle routes", () => {
  const ACTIONS = ["set-safety-stock", "pause-channel", "reconcile-now"];
  const PROPERTY_NAMES = ["SKU", "Location", "Units", "Channel handle", "Paused", "Reason", "SKUs"];

  it("answer signed bodies of any shape below 500; a refused run names its problem and changes nothing", async () => {
    const actionBody = fc.record(
      {
        shop_id: scalar,
        shopify_domain: fc.oneof(fc.constantFrom(SHOP, SHOP, "", "not a domain", "https://evil.example", `${SHOP}.evil.example`), scalar),
        action_run_id: fc.oneof(fc.uuid(), scalar),
        handle: fc.oneof(fc.constantFrom(...ACTIONS.map((action) => `safestock-${action}`)), scalar),
        properties: fc.oneof(fc.dictionary(fc.constantFrom(...PROPERTY_NAMES), fc.oneof(scalar, fc.constantFrom("NO-SUCH-SKU", "Nowhere", -5))), anyJson),
      },
      { requiredKeys: [] },
    );
    const lifecycleBody = fc.record({ flow_trigger_definition_id: scalar, has_enabled_flow: scalar, shopify_domain: fc.oneof(fc.constant(SHOP), scalar), timestamp: scalar }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ACTIONS.map((action) => `/flow/actions/${action}`), "/flow/lifecycle"),
        fc.oneof(actionBody, lifecycleBody, anyJson),
        fc.constantFrom("application/json", "text/plain", null),
        async (path, payload, contentType) => {
          const raw = JSON.stringify(payload);
          const before = await flowVisibleState();
          const response = await signedPost(path, raw, contentType ? { "Content-Type": contentType } : {});
          const text = await response.text();
          expect(response.status, `${path} ${raw.slice(0, 300)} answered ${text.slice(0, 300)}`).toBeLessThan(500);
          if (response.status >= 400) {
            expect(unclear(text), `${path} ${raw.slice(0, 200)}`).toBeNull();
            expect(JSON.parse(text)).toMatchObject({ message: expect.any(String) });
            expect(await flowVisibleState()).toEqual(before);
          }
          if (response.status < 300) await harness.settle();
        },
      ),
      { seed: 20261209, numRuns: 120 },
    );
  }, 60_000);

  it.each([
    ["no shop domain", { action_run_id: "run-x", handle: "safestock-reconcile-now", properties: {} }, "shopify_domain is missing"],
    ["a shop domain that is not a myshopify.com domain", { shopify_domain: "{~x", action_run_id: "run-x", handle: "safestock-reconcile-now", properties: {} }, 'shopify_domain must be a shop\'s myshopify.com domain, got "{~x"'],
    ["a body that is not an object", null, "shopify_domain is missing"],
  ])("a signed run with %s is a 422 naming it, not a 500 Flow retries", async (_name, body, words) => {
    const before = await flowVisibleState();
    const response = await signedPost("/flow/actions/reconcile-now", JSON.stringify(body), { "Content-Type": "application/json" });
    expect(response.status).toBe(422);
    expect((await response.json()).message).toContain(words);
    expect(await flowVisibleState()).toEqual(before);
  });

  it("a signed run for a shop without Safestock is a 4xx that names the shop (was a bare 400 with no body)", async () => {
    const before = await flowVisibleState();
    const body = { shop_id: 1, shopify_domain: "no-such-shop.myshopify.com", action_run_id: "run-elsewhere", handle: "safestock-reconcile-now", properties: {} };
    const response = await signedPost("/flow/actions/reconcile-now", JSON.stringify(body), { "Content-Type": "application/json" });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect((await response.json()).message).toBe("Safestock is not installed on no-such-shop.myshopify.com: nothing was changed");
    expect(await flowVisibleState()).toEqual(before);
  });
});

describe("webhook routes", () => {
  it("answer signed deliveries with missing or mistyped fields below 500; each ends processed, refused or parked and no job dies", async () => {
    const topics = [...WEBHOOK_TOPICS, ...COMPLIANCE_TOPICS];
    const id = fc.oneof(fc.integer({ min: -1, max: 2 ** 40 }), fc.constantFrom(0, 2 ** 60, "1", "gid://shopify/Location/1", null, 1.5));
    const lineItem = fc.record({ id, variant_id: id, quantity: scalar, sku: scalar, fulfillment_status: scalar, fulfillable_quantity: scalar }, { requiredKeys: [] });
    const body = fc.record(
      {
        id,
        admin_graphql_api_id: fc.oneof(fc.constantFrom("gid://shopify/Order/1", "gid://shopify/Location/1", "gid://shopify/Product/1"), scalar),
        inventory_item_id: id,
        location_id: id,
        available: scalar,
        updated_at: fc.oneof(fc.constantFrom("2026-12-06T10:00:00Z", "not a date", ""), scalar),
        line_items: fc.oneof(fc.array(lineItem, { maxLength: 3 }), anyJson),
        refund_line_items: anyJson,
        source_name: scalar,
        cancelled_at: scalar,
        variants: anyJson,
        name: scalar,
        active: scalar,
        shop_domain: fc.oneof(fc.constant(SHOP), scalar),
        myshopify_domain: fc.oneof(fc.constant(SHOP), scalar),
        domain: fc.oneof(fc.constant(SHOP), scalar),
        shop_id: scalar,
        customer: anyJson,
        orders_to_redact: anyJson,
        data_request: anyJson,
        current: anyJson,
        previous: anyJson,
      },
      { requiredKeys: [] },
    );
    const before = await prisma.webhookDelivery.count({ where: { shop: SHOP } });
    let delivery = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...topics), body, async (topic, payload) => {
        const raw = JSON.stringify(payload);
        const webhookId = `bad-input-${delivery++}`;
        const response = await deliverToApp(
          new Request(`https://safestock.test${webhookPath(topic)}`, { method: "POST", headers: webhookHeaders({ topic, shop: SHOP, hmac: webhookHmac(raw), webhookId }), body: raw }),
        );
        expect(response.status, `${topic} ${raw.slice(0, 300)} answered ${(await response.text()).slice(0, 300)}`).toBeLessThan(500);
      }),
      { seed: 20261210, numRuns: 120 },
    );
    const run = await processQueuedDeliveries();
    expect(run).toMatchObject({ dead: 0 });
    const rows = await prisma.webhookDelivery.findMany({ where: { shop: SHOP, webhookId: { startsWith: "bad-input-" } }, select: { topic: true, status: true, reason: true, body: true } });
    expect(rows.length).toBeGreaterThan(0);
    expect(await prisma.webhookDelivery.count({ where: { shop: SHOP } })).toBeGreaterThan(before);
    for (const row of rows) expect(["processed", "refused", "parked"], `${row.topic} ${row.status} ${row.reason} ${row.body.slice(0, 200)}`).toContain(row.status);
  }, 60_000);
});
