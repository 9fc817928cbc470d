import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_API_KEY, SANDBOX_API_SECRET } from "../contract.js";
import { createSandbox, type Sandbox } from "../index.js";
import { createRunningClock } from "../shop/clock.js";
import { handleCheckoutRequest, placeOrderThroughCheckout, runCheckout } from "./index.js";

const SET = `mutation Set($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { id namespace } userErrors { field message code } } }`;

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

const CREATE = `mutation Create($v: ValidationCreateInput!) { validationCreate(validation: $v) { validation { id enabled shopifyFunction { handle apiType } } userErrors { field message code } } }`;

async function setup({ activate = true }: { activate?: boolean } = {}) {
  sandbox = createSandbox({
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl: "https://safestock.test",
    deliver: async () => new Response(null, { status: 200 }),
    // The shops' clock is pinned before 2027-01-01: this test uses the app's non-expiring token, which Shopify refuses from then on (sandbox/shop/clock.ts).
    clock: createRunningClock(),
  });
  sandbox.install();
  const s = sandbox;
  const variant = (sku: string) => {
    const v = s.shop().snapshot().variants.find((x) => x.sku === sku);
    if (!v) throw new Error(`no ${sku}`);
    return v.id;
  };
  /** Publish Safestock's numbers the way the app does: Admin metafieldsSet on `safestock.channels` (docs/decisions/017). */
  const publish = async (sku: string, onlineStore: { available: number; paused: boolean }, namespace = "safestock") => {
    const value = JSON.stringify({
      channels: { marketplace: { available: 0, paused: true }, online_store: onlineStore, pos: { available: 6, paused: false }, wholesale: { available: 0, paused: true } },
    });
    const res = await s.shop().graphql({ query: SET, variables: { m: [{ ownerId: variant(sku), namespace, key: "channels", type: "json", value }] } }, SANDBOX_ADMIN_TOKEN);
    const body = res.body as { data: { metafieldsSet: { metafields: { namespace: string }[]; userErrors: unknown[] } } };
    expect(body.data.metafieldsSet.userErrors).toEqual([]);
    return { value, namespace: body.data.metafieldsSet.metafields[0]!.namespace };
  };
  const orders = () => s.shop().snapshot().orders;
  /** What the app does to switch its rule on (app/services/setup.server.ts): an enabled validation of its Function. */
  const createValidation = async (input: Record<string, unknown>) => {
    const res = await s.shop().graphql({ query: CREATE, variables: { v: input } }, SANDBOX_ADMIN_TOKEN);
    return (res.body as { data: { validationCreate: { validation: { id: string; enabled: boolean; shopifyFunction: { handle: string; apiType: string } } | null; userErrors: { field: string[]; code: string }[] } } }).data.validationCreate;
  };
  if (activate) expect((await createValidation({ functionHandle: "safestock-cart-validation", enable: true })).userErrors).toEqual([]);
  return { sandbox: s, variant, publish, orders, createValidation };
}

describe("runCheckout (the real Function over the emulated shop)", () => {
  it("blocks a cart over the online store's ATS with the message, and places no order", async () => {
    const t = await setup();
    await t.publish("RING-6", { available: 2, paused: false });
    const lines = [{ variantId: t.variant("RING-6"), quantity: 3 }];

    const run = await runCheckout(t.sandbox, { lines });
    expect(run.errors).toEqual([{ message: "Only 2 left — please lower the quantity", target: "$.cart.lines[0].quantity" }]);

    const result = await placeOrderThroughCheckout(t.sandbox, { lines });
    expect(result).toMatchObject({ placed: false, order: null, response: null });
    expect(result.errors).toHaveLength(1);
    expect(t.orders()).toHaveLength(0);
  });

  it("lets a cart within ATS through and places a web order", async () => {
    const t = await setup();
    await t.publish("RING-6", { available: 2, paused: false });
    const result = await placeOrderThroughCheckout(t.sandbox, { lines: [{ variantId: t.variant("RING-6"), quantity: 2 }], email: "buyer@example.com" });
    expect(result.errors).toEqual([]);
    expect(result.placed).toBe(true);
    expect(result.order?.id).toMatch(/^gid:\/\/shopify\/Order\//);
    expect(t.orders()).toHaveLength(1);
    expect(t.orders()[0]).toMatchObject({ sourceName: "web", email: "buyer@example.com" });
    expect(t.orders()[0]!.lineItems[0]).toMatchObject({ sku: "RING-6", quantity: 2 });
  });

  it("passes a variant Safestock has published nothing for (fail open)", async () => {
    const t = await setup();
    await t.publish("RING-6", { available: 0, paused: true });
    const result = await placeOrderThroughCheckout(t.sandbox, { lines: [{ variantId: t.variant("NECK-16"), quantity: 5 }] });
    expect(result.input!.cart.lines[0]!.merchandise.metafield).toBeNull();
    expect(result.errors).toEqual([]);
    expect(result.placed).toBe(true);
  });

  it("builds the input from the shop's current state by executing the extension's input query", async () => {
    const t = await setup();
    const { value, namespace } = await t.publish("RING-6", { available: 4, paused: false });
    expect(namespace).toBe("safestock");
    const run = await runCheckout(t.sandbox, { lines: [{ variantId: t.variant("RING-6"), quantity: 1 }], step: "CHECKOUT_INTERACTION" });
    expect(run.input).toEqual({
      buyerJourney: { step: "CHECKOUT_INTERACTION" },
      cart: { attribute: null, holdState: null, lines: [{ quantity: 1, merchandise: { id: t.variant("RING-6"), sku: "RING-6", metafield: { value } } }] },
    });
    expect(run.output).toEqual({ operations: [{ validationAdd: { errors: [] } }] });

    // Numbers change (a sale elsewhere, a pause): the next checkout sees them.
    await t.publish("RING-6", { available: 0, paused: true });
    const again = await runCheckout(t.sandbox, { lines: [{ variantId: t.variant("RING-6"), quantity: 1 }] });
    expect(again.errors).toEqual([{ message: "This item is not available right now", target: "$.cart.lines[0].quantity" }]);
  });

  it("reads only the merchant-owned `safestock` namespace: the old app-owned `$app:safestock` copy is not read", async () => {
    const t = await setup();
    const { namespace } = await t.publish("RING-6", { available: 0, paused: true }, "$app:safestock");
    expect(namespace).toBe(`app--${SANDBOX_API_KEY}--safestock`);
    const run = await runCheckout(t.sandbox, { lines: [{ variantId: t.variant("RING-6"), quantity: 3 }] });
    expect(run.input!.cart.lines[0]!.merchandise.metafield).toBeNull();
    expect(run.errors).toEqual([]);
  });

  it("sums one variant across lines and does not block on add-to-cart", async () => {
    const t = await setup();
    await t.publish("RING-6", { available: 3, paused: false });
    const lines = [
      { variantId: t.variant("RING-6"), quantity: 2 },
      { variantId: t.variant("MUG-WHT"), quantity: 1 },
      { variantId: t.variant("RING-6"), quantity: 2 },
    ];
    expect((await runCheckout(t.sandbox, { lines })).errors.map((e) => e.target)).toEqual(["$.cart.lines[0].quantity", "$.cart.lines[2].quantity"]);
    expect((await runCheckout(t.sandbox, { lines, step: "CART_INTERACTION" })).errors).toEqual([]);
  });

  it("hands the cart's hold attribute to the Function and carries the cart attributes to the order's note_attributes", async () => {
    const t = await setup();
    const value = JSON.stringify({ channels: { online_store: { available: 2, paused: false } }, holds: { held: 2, keys: { holderKey: 2 } } });
    const res = await t.sandbox.shop().graphql({ query: SET, variables: { m: [{ ownerId: t.variant("RING-6"), namespace: "safestock", key: "channels", type: "json", value }] } }, SANDBOX_ADMIN_TOKEN);
    expect((res.body as { data: { metafieldsSet: { userErrors: unknown[] } } }).data.metafieldsSet.userErrors).toEqual([]);
    const lines = [{ variantId: t.variant("RING-6"), quantity: 2 }];

    const other = await placeOrderThroughCheckout(t.sandbox, { lines, attributes: [{ key: "gift", value: "yes" }] });
    expect(other.input!.cart.attribute).toBeNull();
    expect(other).toMatchObject({ placed: false, errors: [{ message: "This item is not available right now" }] });

    const holder = await placeOrderThroughCheckout(t.sandbox, { lines, attributes: [{ key: "_safestockHold", value: "stale" }, { key: "_safestockHold", value: "holderKey" }] });
    expect(holder.input!.cart.attribute).toEqual({ value: "holderKey" });
    expect(holder.placed).toBe(true);
    expect(t.orders()[0]!.noteAttributes).toEqual([{ name: "_safestockHold", value: "holderKey" }]);
    await expect(runCheckout(t.sandbox, { lines, attributes: [{ key: "", value: "x" }] })).rejects.toMatchObject({ code: "INVALID" });
  });

  it("hands the Function each attribute the input query asks for under an alias, and its errors stop the order (docs/decisions/044)", async () => {
    const t = await setup();
    await t.publish("RING-6", { available: 4, paused: false });
    const legacyId = t.variant("RING-6").split("/").pop();
    const lines = [{ variantId: t.variant("RING-6"), quantity: 3 }];
    const attributes = [
      { key: "_safestockHold", value: "holderKey" },
      { key: "_safestockHoldState", value: `refused:${legacyId}=1` },
    ];
    const refused = await placeOrderThroughCheckout(t.sandbox, { lines, attributes });
    expect(refused.input!.cart).toMatchObject({ attribute: { value: "holderKey" }, holdState: { value: `refused:${legacyId}=1` } });
    expect(refused).toMatchObject({ placed: false, order: null, errors: [{ message: "Only 1 left — please lower the quantity", target: "$.cart.lines[0].quantity" }] });
    expect(t.orders()).toEqual([]);
    // Lowered to what was left: the same record no longer stands in the way.
    expect(await placeOrderThroughCheckout(t.sandbox, { lines: [{ variantId: t.variant("RING-6"), quantity: 1 }], attributes })).toMatchObject({ placed: true, errors: [] });
  });

  it("refuses carts Shopify would refuse before any Function runs", async () => {
    const t = await setup();
    await expect(runCheckout(t.sandbox, { lines: [{ variantId: "gid://shopify/ProductVariant/1", quantity: 1 }] })).rejects.toMatchObject({ code: "INVALID_MERCHANDISE_LINE" });
    await expect(runCheckout(t.sandbox, { lines: [{ variantId: t.variant("RING-6"), quantity: 0 }] })).rejects.toMatchObject({ code: "INVALID" });
    await expect(runCheckout(t.sandbox, { lines: [] })).rejects.toMatchObject({ code: "INVALID" });
  });
});

describe("handleCheckoutRequest (POST /sandbox/checkout)", () => {
  const post = (body: unknown, url = "http://127.0.0.1:8787/sandbox/checkout") =>
    new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("validates, places orders only when allowed, and reports bad carts as 400", async () => {
    const t = await setup();
    await t.publish("RING-6", { available: 2, paused: false });
    const over = [{ variantId: t.variant("RING-6"), quantity: 3 }];

    const validated = await handleCheckoutRequest(t.sandbox, post({ lines: over }));
    expect(validated.status).toBe(200);
    expect(((await validated.json()) as { errors: unknown[] }).errors).toEqual([{ message: "Only 2 left — please lower the quantity", target: "$.cart.lines[0].quantity" }]);

    const blocked = await handleCheckoutRequest(t.sandbox, post({ lineItems: over, placeOrder: true }));
    expect(await blocked.json()).toMatchObject({ placed: false, order: null });
    expect(t.orders()).toHaveLength(0);

    const placed = await handleCheckoutRequest(t.sandbox, post({ lines: [{ variantId: t.variant("RING-6"), quantity: 1 }], placeOrder: true }), { headers: { "X-Test": "1" } });
    expect(placed.headers.get("x-test")).toBe("1");
    expect(await placed.json()).toMatchObject({ placed: true, errors: [] });
    expect(t.orders()).toHaveLength(1);

    const unknown = await handleCheckoutRequest(t.sandbox, post({ lines: [{ variantId: "gid://shopify/ProductVariant/1", quantity: 1 }] }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: "INVALID_MERCHANDISE_LINE", lineIndex: 0 });
    expect((await handleCheckoutRequest(t.sandbox, post("{nope"))).status).toBe(400);
    expect((await handleCheckoutRequest(t.sandbox, post({}))).status).toBe(400);
    expect((await handleCheckoutRequest(t.sandbox, post({ lines: over, shop: "nope.myshopify.com" }))).status).toBe(404);
    expect((await handleCheckoutRequest(t.sandbox, new Request("http://127.0.0.1/sandbox/checkout"))).status).toBe(405);
  });

  it("uses a body compose has already read", async () => {
    const t = await setup();
    const request = post({ ignored: true });
    await request.text();
    const res = await handleCheckoutRequest(t.sandbox, request, { body: { lines: [{ variantId: t.variant("NECK-16"), quantity: 1 }] }, shop: t.sandbox.shops[0] });
    expect(await res.json()).toMatchObject({ errors: [], output: { operations: [{ validationAdd: { errors: [] } }] } });
  });
});

describe("validations (validationCreate, 2026-10)", () => {
  it("runs the Function only while an enabled validation of it exists", async () => {
    const t = await setup({ activate: false });
    await t.publish("RING-6", { available: 2, paused: false });
    const lines = [{ variantId: t.variant("RING-6"), quantity: 3 }];
    // Deployed, never activated: checkout goes on as without the app.
    expect(await runCheckout(t.sandbox, { lines })).toEqual({ errors: [], input: null, output: null });
    // `enable` defaults to false (ValidationCreateInput): still not live.
    const inactive = await t.createValidation({ functionHandle: "safestock-cart-validation" });
    expect(inactive.validation).toMatchObject({ enabled: false, shopifyFunction: { handle: "safestock-cart-validation", apiType: "cart_checkout_validation" } });
    expect((await runCheckout(t.sandbox, { lines })).errors).toEqual([]);
    const live = await t.createValidation({ functionHandle: "safestock-cart-validation", enable: true });
    expect(live.validation?.enabled).toBe(true);
    expect((await runCheckout(t.sandbox, { lines })).errors).toHaveLength(1);
    expect(t.sandbox.shop().snapshot().validations.map((v) => v.enabled)).toEqual([false, true]);
  });

  it("answers the schema's user errors for a missing, doubled or unknown Function", async () => {
    const t = await setup({ activate: false });
    const codes = async (input: Record<string, unknown>) => (await t.createValidation(input)).userErrors.map((e) => e.code);
    expect(await codes({})).toEqual(["MISSING_FUNCTION_IDENTIFIER"]);
    expect(await codes({ functionHandle: "safestock-cart-validation", functionId: "x" })).toEqual(["MULTIPLE_FUNCTION_IDENTIFIERS"]);
    expect(await codes({ functionHandle: "someone-elses-function" })).toEqual(["FUNCTION_NOT_FOUND"]);
    expect(t.sandbox.shop().snapshot().validations).toEqual([]);
  });
});
