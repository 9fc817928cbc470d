/**
 * Shopify Flow both ways, against the emulated shop (docs/decisions/035-shopify-flow.md):
 * - triggers: pausing a channel reaches the shop as the "Sales channel paused or resumed" trigger
 *   (and the publish as "Stock protection changed"), each checked by the emulator against the
 *   trigger extension's declared fields; an oversold order line starts its trigger once, however
 *   often Shopify delivers the order (a redelivery under a new delivery and event id included);
 * - actions: Flow's signed "Set safety stock" run publishes an exception that reaches the shop's
 *   safety_stock and names Shopify Flow in the policy history and the audit log; a forged run
 *   (bad or missing signature) and a run with an invalid value change nothing.
 * Expected values are written out by hand from the seeded shop, never read from the app.
 */
import { http, HttpResponse } from "msw";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as channelsAction } from "~/routes/app.channels";
import { exportPolicy, publishPolicy } from "~/services/policy.server";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_SHOP_DOMAIN, sandboxHandlers, type InventoryLevelRecord } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction } from "./support/admin-routes";
import { deliverToApp, startHarness, type Harness } from "./support/harness";
import { webhookHeaders } from "./support/signed-webhook";

let harness: Harness;
const shop = () => harness.sandbox.shop(SANDBOX_SHOP_DOMAIN);
/** The orders/create deliveries as they reached the app (body and Shopify's signature), to deliver again. */
const orderDeliveries: { body: string; hmac: string }[] = [];

beforeAll(async () => {
  harness = startHarness({
    deliver: async (request) => {
      if (request.headers.get("X-Shopify-Topic") === "orders/create") orderDeliveries.push({ body: await request.clone().text(), hmac: request.headers.get("X-Shopify-Hmac-Sha256")! });
      return deliverToApp(request);
    },
  });
  await harness.install();
  await harness.settle();
  // The merchant has a workflow for each trigger: Flow tells the app (the lifecycle callback), and
  // the app sends only the triggers a workflow uses (tests/flow-lifecycle.test.ts).
  for (const trigger of ["safestock-channel-paused", "safestock-channel-number-low", "safestock-oversell-recorded", "safestock-protection-changed"]) {
    expect(await harness.sandbox.enableFlowWorkflow({ trigger })).toMatchObject({ ok: true, callback: { status: 200 } });
  }
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

/** What a merchant's change leaves behind that a refused Flow run must not touch. */
async function everythingThatMayChange() {
  return {
    versions: await prisma.policyVersion.count(),
    audit: await prisma.auditEntry.count(),
    triggers: harness.sandbox.flowTriggerRuns().length,
    levels: shop().snapshot().inventoryLevels.map((level) => [level.id, level.quantities.safety_stock, level.quantities.available]),
  };
}

describe("Flow triggers", () => {
  it("a channel paused by the merchant reaches the shop as a Flow trigger, with the publish that made it", async () => {
    const before = harness.sandbox.flowTriggerRuns().length;
    const paused = await callAction(harness, channelsAction, "/app/channels", { intent: "pause", channel: "marketplace", reason: "Listing under review" });
    expect(paused.data).toMatchObject({ ok: true, version: 1 });
    await harness.settle();

    const received = harness.sandbox.flowTriggerRuns().slice(before);
    expect(received.map((run) => run.handle).sort()).toEqual(["safestock-channel-paused", "safestock-protection-changed"]);
    expect(received.find((run) => run.handle === "safestock-channel-paused")!.payload).toEqual({
      Channel: "Marketplace",
      "Channel handle": "marketplace",
      Paused: true,
      Reason: "Listing under review",
      "Policy version": 1,
    });
    expect(received.find((run) => run.handle === "safestock-protection-changed")!.payload).toMatchObject({ "Policy version": 1 });
    // Tests and tools read the same record over HTTP.
    const overHttp = (await (await harness.sandbox.handle(new Request("https://sandbox.test/sandbox/flow/triggers"))).json()) as { handle: string }[];
    expect(overHttp.slice(before).map((run) => run.handle).sort()).toEqual(["safestock-channel-paused", "safestock-protection-changed"]);

    const resumed = await callAction(harness, channelsAction, "/app/channels", { intent: "resume", channel: "marketplace", reason: "Review passed" });
    expect(resumed.data).toMatchObject({ ok: true, version: 2 });
    await harness.settle();
    const resume = harness.sandbox.flowTriggerRuns().filter((run) => run.handle === "safestock-channel-paused").at(-1)!;
    expect(resume.payload).toMatchObject({ Paused: false, Reason: "Review passed", "Policy version": 2 });
  });

  it("a trigger Shopify fails to take is retried by the job queue; the merchant's pause does not wait for it", async () => {
    // Shopify answers the first two flowTriggerReceive calls with an internal error (a top-level
    // GraphQL error, as Shopify sends INTERNAL_SERVER_ERROR), then takes them.
    let failures = 0;
    mswServer.use(
      http.post("https://*.myshopify.com/admin/api/2026-10/graphql.json", async ({ request }) => {
        if (failures >= 2 || !(await request.clone().text()).includes("SafestockFlowTriggerReceive")) return undefined;
        failures++;
        return HttpResponse.json({ errors: [{ message: "Internal error. Looks like something went wrong on our end.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
      }),
    );
    const before = harness.sandbox.flowTriggerRuns().length;
    const paused = await callAction(harness, channelsAction, "/app/channels", { intent: "pause", channel: "wholesale", reason: "Stocktake" });
    expect(paused.data).toMatchObject({ ok: true });
    // Answered before any trigger was sent: nothing has reached the shop yet.
    expect(harness.sandbox.flowTriggerRuns().length).toBe(before);
    await harness.settle();
    expect(failures).toBe(2);
    const received = harness.sandbox.flowTriggerRuns().slice(before);
    expect(received.map((run) => run.handle).sort()).toEqual(["safestock-channel-paused", "safestock-protection-changed"]);
    expect(received.find((run) => run.handle === "safestock-channel-paused")!.payload).toMatchObject({ Channel: "Wholesale", Paused: true, Reason: "Stocktake" });
    await callAction(harness, channelsAction, "/app/channels", { intent: "resume", channel: "wholesale", reason: "Stocktake done" });
    await harness.settle();
  });

  it("a SKU whose channel number falls below the channel's threshold starts one low-stock trigger", async () => {
    // A SKU the online store lists at N ≥ 5; the online store's threshold (pauseBelow) becomes N, so
    // nothing is below it yet; one web order of 1 takes the SKU to N − 1, under it: the channel
    // pauses that SKU (0) and Flow hears of it once.
    const listed = (await prisma.channelState.findFirst({ where: { channel: "online_store", available: { gte: 5 }, paused: false }, orderBy: { available: "asc" } }))!;
    const threshold = listed.available;
    const variant = shop().snapshot().variants.find((entry) => entry.inventoryItemId === listed.inventoryItemId)!;
    const current = (await exportPolicy(SANDBOX_SHOP_DOMAIN))!.document;
    const channels = [...current.channels.filter((rule) => rule.channel !== "online_store"), { ...current.channels.find((rule) => rule.channel === "online_store"), channel: "online_store", pauseBelow: threshold }];
    expect(await publishPolicy(SANDBOX_SHOP_DOMAIN, { ...current, channels }, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const lowRuns = () => harness.sandbox.flowTriggerRuns().filter((run) => run.handle === "safestock-channel-number-low");
    const before = lowRuns().length;

    expect((await harness.sandbox.placeOrder({ lineItems: [{ variantId: variant.id, quantity: 1 }], sourceName: "web" })).status).toBe(200);
    await harness.settle();
    expect(lowRuns().slice(before).map((run) => run.payload)).toEqual([{ SKU: variant.sku, "Channel handle": "online_store", "Channel number": 0, Threshold: threshold }]);

    // Staying below starts nothing more.
    expect((await harness.sandbox.placeOrder({ lineItems: [{ variantId: variant.id, quantity: 1 }], sourceName: "web" })).status).toBe(200);
    await harness.settle();
    expect(lowRuns().length).toBe(before + 1);
  });

  it("an oversold order line starts one Flow trigger, even when Shopify delivers the order again later", async () => {
    // A web order is filled from the Warehouse only (the one location that fulfils online orders),
    // so its cover is the Warehouse's available + safety_stock: ordering 2 more than that, which
    // Shopify takes when told to ignore the inventory policy (as a marketplace connector does),
    // leaves 2 units sold that are not there.
    const snapshot = shop().snapshot();
    const warehouse = snapshot.locations.find((location) => location.name === "Warehouse")!;
    const level = snapshot.inventoryLevels.find((entry) => entry.isActive && entry.locationId === warehouse.id && entry.quantities.available > 0)!;
    const variant = snapshot.variants.find((entry) => entry.inventoryItemId === level.inventoryItemId)!;
    const quantity = level.quantities.available + level.quantities.safety_stock + 2;
    const oversellRuns = () => harness.sandbox.flowTriggerRuns().filter((run) => run.handle === "safestock-oversell-recorded");
    const before = oversellRuns().length;

    const placed = await harness.sandbox.placeOrder({ lineItems: [{ variantId: variant.id, quantity }], sourceName: "web", options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } });
    expect(placed.status).toBe(200);
    const orderId = (placed.body as { data: { orderCreate: { order: { id: string } } } }).data.orderCreate.order.id;
    await harness.settle();
    const expected = [{ Kind: "oversell", SKU: variant.sku, "Channel handle": "online_store", "Order ID": orderId, Quantity: quantity, "Units oversold": 2 }];
    expect(oversellRuns().slice(before).map((run) => run.payload)).toEqual(expected);

    // Shopify delivers the same order again, after its lines were recorded, under a new delivery id
    // and event id (a retry of a delivery it did not hear back from): the app takes it (200), and
    // Flow hears nothing more.
    const delivery = orderDeliveries.find((entry) => entry.body.includes(orderId.split("/").pop()!))!;
    for (const copy of [1, 2]) {
      const again = new Request("https://safestock.test/webhooks/orders/create", {
        method: "POST",
        body: delivery.body,
        headers: webhookHeaders({ topic: "orders/create", shop: SANDBOX_SHOP_DOMAIN, hmac: delivery.hmac, webhookId: `redelivery-${copy}-${orderId}` }),
      });
      expect((await deliverToApp(again)).status).toBe(200);
    }
    await harness.settle();
    expect(await prisma.webhookDelivery.count({ where: { webhookId: { startsWith: "redelivery-" }, status: "processed" } })).toBe(2);
    expect(oversellRuns().slice(before).map((run) => run.payload)).toEqual(expected);
  });

  it("the emulated shop refuses a trigger that does not match its extension's fields, and records nothing", async () => {
    const before = harness.sandbox.flowTriggerRuns().length;
    const send = async (handle: string, payload: unknown) =>
      (
        (await shop().graphql(
          { query: "mutation($handle: String, $payload: JSON) { flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } } }", variables: { handle, payload } },
          SANDBOX_ADMIN_TOKEN,
        )).body as { data: { flowTriggerReceive: { userErrors: { message: string }[] } } }
      ).data.flowTriggerReceive.userErrors.map((error) => error.message);
    expect(await send("safestock-channel-paused", { Channel: "Marketplace" })).toContain("Channel handle is missing");
    expect(await send("safestock-channel-paused", { Channel: "M", "Channel handle": "m", Paused: "yes", Reason: "r", "Policy version": 1 })).toEqual(["Paused must be true or false"]);
    expect(await send("safestock-channel-paused", { Channel: "M", "Channel handle": "m", Paused: true, Reason: "r", "Policy version": 1, Extra: 1 })).toEqual([
      "Extra is not a field of safestock-channel-paused",
    ]);
    expect(await send("no-such-trigger", {})).toEqual(["No Flow trigger with handle no-such-trigger for this app"]);
    expect(await send("safestock-protection-changed", { "Policy version": 1, "Changed by": "x", Summary: "x".repeat(50_001) })).toEqual([
      expect.stringMatching(/^Payload is 500\d\d bytes; at most 50000$/),
    ]);
    expect(harness.sandbox.flowTriggerRuns().length).toBe(before);
  });
});

describe("Flow actions", () => {
  /** A level with stock to spare and nothing protected yet: the exception is all its safety stock. */
  function spareLevel(): { sku: string; location: string; level: InventoryLevelRecord } {
    const snapshot = shop().snapshot();
    const level = snapshot.inventoryLevels.find((entry) => entry.isActive && entry.quantities.safety_stock === 0 && entry.quantities.available >= 10)!;
    const variant = snapshot.variants.find((entry) => entry.inventoryItemId === level.inventoryItemId)!;
    const location = snapshot.locations.find((entry) => entry.id === level.locationId)!;
    expect(variant.sku).toBeTruthy();
    return { sku: variant.sku!, location: location.name, level };
  }

  it("a signed Set safety stock run publishes an exception that reaches the shop and names Flow in the audit log", async () => {
    const { sku, location, level } = spareLevel();
    const versions = await prisma.policyVersion.count();
    const sent = await harness.sandbox.sendFlowAction({ handle: "safestock-set-safety-stock", properties: { SKU: sku, Location: location, Units: 3 }, actionRunId: "run-1" });
    expect(sent).toMatchObject({ status: 200, body: { version: versions + 1 } });
    await harness.settle();

    const after = shop().snapshot().inventoryLevels.find((entry) => entry.id === level.id)!;
    expect(after.quantities.safety_stock).toBe(3);
    expect(after.quantities.available).toBe(level.quantities.available - 3);
    expect(after.quantities.on_hand).toBe(level.quantities.on_hand);
    const version = await prisma.policyVersion.findFirst({ orderBy: { version: "desc" } });
    expect(version).toMatchObject({ version: versions + 1, createdBy: "Shopify Flow (run run-1)" });
    expect(await prisma.auditEntry.findFirst({ where: { subject: "policy", ruleVersion: versions + 1 } })).toMatchObject({
      actor: "flow",
      reason: `Published policy v${versions + 1}: Shopify Flow set the safety stock of ${sku} at ${location} to 3`,
    });
    // The publish is itself a Flow trigger, naming Flow as who changed protection.
    expect(harness.sandbox.flowTriggerRuns().at(-1)).toMatchObject({ handle: "safestock-protection-changed", payload: { "Policy version": versions + 1, "Changed by": "Shopify Flow (run run-1)" } });

    // Flow retries a run it did not hear back from: the same run changes nothing more.
    const retried = await harness.sandbox.sendFlowAction({ handle: "safestock-set-safety-stock", properties: { SKU: sku, Location: location, Units: 3 }, actionRunId: "run-1" });
    expect(retried).toMatchObject({ status: 200 });
    expect(await prisma.policyVersion.count()).toBe(versions + 1);
  });

  it("a signed Pause run pauses the channel as the Channels page would, with the Flow run as actor; Reconcile now accepts known SKUs", async () => {
    const paused = await harness.sandbox.sendFlowAction({ handle: "safestock-pause-channel", properties: { "Channel handle": "point_of_sale", Paused: true, Reason: "Till outage" }, actionRunId: "run-pause" });
    expect(paused).toMatchObject({ status: 200, body: { message: "Paused point_of_sale" } });
    await harness.settle();
    expect(await prisma.channelState.count({ where: { channel: "point_of_sale", paused: false } })).toBe(0);
    expect(await prisma.auditEntry.findFirst({ where: { subject: "channel_pause", channel: "point_of_sale" }, orderBy: { createdAt: "desc" } })).toMatchObject({
      actor: "flow",
      reason: "Till outage (Shopify Flow)",
    });
    const again = await harness.sandbox.sendFlowAction({ handle: "safestock-pause-channel", properties: { "Channel handle": "point_of_sale", Paused: true, Reason: "Till outage" }, actionRunId: "run-pause" });
    expect(again).toMatchObject({ status: 200, body: { message: "point_of_sale is already paused" } });
    const resumed = await harness.sandbox.sendFlowAction({ handle: "safestock-pause-channel", properties: { "Channel handle": "point_of_sale", Paused: false, Reason: "Tills back" } });
    expect(resumed).toMatchObject({ status: 200, body: { message: "Resumed point_of_sale" } });
    await harness.settle();
    expect(await prisma.channelState.count({ where: { channel: "point_of_sale", paused: true } })).toBe(0);

    const { sku } = spareLevel();
    expect(await harness.sandbox.sendFlowAction({ handle: "safestock-reconcile-now", properties: { SKUs: ` ${sku} ,${sku}` } })).toMatchObject({ status: 200, body: { message: `Reconciling ${sku}` } });
    expect(await harness.sandbox.sendFlowAction({ handle: "safestock-reconcile-now", properties: {} })).toMatchObject({ status: 200, body: { message: "Reconciling the whole catalog" } });
    await harness.settle();
  });

  it("a run with a bad or missing signature is refused with 401 and changes nothing", async () => {
    const { sku, location } = spareLevel();
    const before = await everythingThatMayChange();
    for (const signature of ["bad", "none"] as const) {
      const sent = await harness.sandbox.sendFlowAction({ handle: "safestock-set-safety-stock", properties: { SKU: sku, Location: location, Units: 7 }, signature });
      expect(sent).toMatchObject({ status: 401 });
    }
    const paused = await harness.sandbox.sendFlowAction({ handle: "safestock-pause-channel", properties: { "Channel handle": "online_store", Paused: true, Reason: "forged" }, signature: "bad" });
    expect(paused).toMatchObject({ status: 401 });
    await harness.settle();
    expect(await everythingThatMayChange()).toEqual(before);
  });

  it("a run with an invalid value gets a clear 4xx and changes nothing", async () => {
    const { sku, location } = spareLevel();
    const before = await everythingThatMayChange();
    const negative = await harness.sandbox.sendFlowAction({ handle: "safestock-set-safety-stock", properties: { SKU: sku, Location: location, Units: -5 } });
    expect(negative).toMatchObject({ status: 422 });
    expect((negative as { body: { message: string } }).body.message).toMatch(/^Safestock could not set the safety stock: .*units.*-5/);
    const nowhere = await harness.sandbox.sendFlowAction({ handle: "safestock-set-safety-stock", properties: { SKU: sku, Location: "Nowhere", Units: 2 } });
    expect(nowhere).toMatchObject({ status: 422 });
    expect((nowhere as { body: { message: string } }).body.message).toContain("Nowhere");
    const unknownChannel = await harness.sandbox.sendFlowAction({ handle: "safestock-pause-channel", properties: { "Channel handle": "teleshop", Paused: true, Reason: "test" } });
    expect(unknownChannel).toMatchObject({ status: 422, body: { problems: [{ path: "channel", message: 'unknown channel "teleshop"' }] } });
    const unknownSku = await harness.sandbox.sendFlowAction({ handle: "safestock-reconcile-now", properties: { SKUs: "NO-SUCH-SKU" } });
    expect(unknownSku).toMatchObject({ status: 422, body: { problems: [{ path: "properties.SKUs", message: "names SKUs Safestock does not know: NO-SUCH-SKU" }] } });
    await harness.settle();
    expect(await everythingThatMayChange()).toEqual(before);
  });
});
