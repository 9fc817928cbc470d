/**
 * Customer data (README "Privacy"; ../shared/SHOPIFY-FACTS.md "Access tokens and customer data"):
 * orders carrying distinctive customers go through the emulated shop and the whole pipeline, then
 * every cell of every table (enumerated from the database itself) and everything the app logged
 * is searched for the customers' names, emails, addresses, phones and notes. customers/redact and
 * shop/redact are checked the same way, across every table.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { format } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { clearShopRedaction, deleteShopData } from "~/models/shop-data.server";
import { createCustomerHold } from "~/services/holds-admin.server";
import { runScheduledWork } from "~/services/scheduler.server";
import { HOLD_ATTRIBUTE } from "~/services/holds.server";
import { INCLUDED_FIELDS } from "~/shopify/webhook-fields";
import { parseAppToml, SANDBOX_SHOP_DOMAIN, topicSubscriptions } from "../sandbox";
import { databaseTables, findInDatabase } from "./support/database-scan";
import { deliverToApp, startHarness, type Harness } from "./support/harness";
import { refundWithRestock, variantOf } from "./support/scenarios";
import { signedWebhook } from "./support/signed-webhook";

const SHOP = SANDBOX_SHOP_DOMAIN;
const toml = parseAppToml(readFileSync(path.resolve(__dirname, "../shopify.app.toml"), "utf8"));

/** Two customers no fixture or seed would produce. */
const CUSTOMERS = [
  { firstName: "Zebulon", lastName: "Quixworth", email: "zebulon.quixworth@privacy-test.example", phone: "+15550199321", street: "742 Xyzzyvale Terrace", city: "Frobozzburg", zip: "90417", note: "ring the Plughbell twice" },
  { firstName: "Ottoline", lastName: "Vembrandt", email: "o.vembrandt@privacy-test.example", phone: "+447700900461", street: "18 Quillonby Mews", city: "Snorkelham", zip: "SW9 7QX", note: "gift for Ludmilla Farquaad" },
];
const NEEDLES = CUSTOMERS.flatMap((customer) => Object.values(customer));

function orderInput(customer: (typeof CUSTOMERS)[number]) {
  const address = { firstName: customer.firstName, lastName: customer.lastName, address1: customer.street, city: customer.city, zip: customer.zip, countryCode: "US", phone: customer.phone };
  return {
    customer: { toUpsert: { firstName: customer.firstName, lastName: customer.lastName, email: customer.email, phone: customer.phone } },
    billingAddress: address,
    shippingAddress: address,
    phone: customer.phone,
    note: customer.note,
  };
}

/** Everything the app writes to the console while the test runs (its log). */
let logged: string[] = [];
beforeEach(() => {
  logged = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(format(...args)));
  }
});
afterEach(() => vi.restoreAllMocks());
// Each test starts from a shop Safestock has never seen (the emulated shop's ids start over too).
beforeEach(async () => {
  await deleteShopData(SHOP);
  await clearShopRedaction(SHOP);
});

const inLog = (needles: readonly string[]) => logged.filter((line) => needles.some((needle) => line.toLowerCase().includes(needle.toLowerCase())));

/** A harness whose deliveries are also kept, to see what Shopify (the emulator) sent. */
function startRecordingHarness(whole: boolean) {
  const delivered: string[] = [];
  const subscriptions = topicSubscriptions(toml, process.env.SHOPIFY_APP_URL!).map((subscription) => (whole ? { topic: subscription.topic, uri: subscription.uri } : subscription));
  const harness = startHarness({
    subscriptions,
    deliver: async (request) => {
      delivered.push(await request.clone().text());
      return deliverToApp(request);
    },
  });
  return { harness, delivered };
}

async function placeCustomerOrders(harness: Harness) {
  const sku = "RING-6";
  const orderIds: string[] = [];
  for (const customer of CUSTOMERS) {
    const result = await harness.sandbox.placeOrder({ lineItems: [{ variantId: variantOf(harness, SHOP, sku).id, quantity: 1 }], sourceName: "web", email: customer.email, order: orderInput(customer) }, SHOP);
    const order = (result.body as { data: { orderCreate: { order: { id: string } | null; userErrors: unknown[] } } }).data.orderCreate;
    expect(order.userErrors).toEqual([]);
    orderIds.push(order.order!.id);
  }
  await harness.settle();
  return orderIds;
}

describe("customer data", () => {
  it("shopify.app.toml's include_fields are the fields the app keeps (app/shopify/webhook-fields.ts)", () => {
    const trimmed = Object.fromEntries(toml.subscriptions.filter((entry) => entry.includeFields).flatMap((entry) => entry.topics.map((topic) => [topic, entry.includeFields])));
    expect(trimmed).toEqual(Object.fromEntries(Object.entries(INCLUDED_FIELDS).map(([topic, fields]) => [topic, [...fields]])));
    // Every order topic is trimmed: each order payload carries the customer.
    expect(Object.keys(trimmed).sort()).toEqual(["orders/cancelled", "orders/create", "orders/fulfilled", "orders/updated", "refunds/create"]);
    // The one cart attribute kept at rest is the one the hold conversion reads.
    expect(HOLD_ATTRIBUTE).toBe("_safestockHold");
  });

  it.each([
    { whole: false, how: "trimmed by include_fields" },
    { whole: true, how: "delivered whole (a subscription without include_fields)" },
  ])("orders $how leave no customer data in any table nor in the log", async ({ whole }) => {
    const { harness, delivered } = startRecordingHarness(whole);
    await harness.install(SHOP);
    await harness.settle();
    const orderIds = await placeCustomerOrders(harness);
    await refundWithRestock(harness, SHOP, orderIds[0]!);
    await harness.settle();

    // The shop sent what Shopify sends: the customers in full without include_fields, none with them.
    const sentWithCustomer = delivered.filter((body) => NEEDLES.some((needle) => body.includes(needle)));
    if (whole) expect(sentWithCustomer.length).toBeGreaterThanOrEqual(CUSTOMERS.length);
    else expect(sentWithCustomer).toEqual([]);
    // The pipeline did process the orders: their lines are counted as sales.
    expect(await prisma.saleEvent.count({ where: { shop: SHOP, orderId: { in: orderIds } } })).toBe(CUSTOMERS.length);
    for (const orderId of orderIds) {
      expect(await prisma.webhookDelivery.count({ where: { shop: SHOP, topic: "orders/create", status: "processed", body: { contains: `"${orderId}"` } } })).toBe(1);
    }

    // The scan reads every table the database has (not vacuous: the pipeline's tables are among them).
    expect(await databaseTables()).toEqual(expect.arrayContaining(["WebhookDelivery", "SaleEvent", "OrderExposure", "CartHold", "AuditEntry", "Session"]));
    expect(await findInDatabase(NEEDLES)).toEqual([]);
    expect(inLog(NEEDLES)).toEqual([]);
  });

  it("customers/data_request answers with what Safestock holds; customers/redact leaves nothing of the customer in any table", async () => {
    const { harness } = startRecordingHarness(false);
    await harness.install(SHOP);
    await harness.settle();
    const orderIds = await placeCustomerOrders(harness);
    const [zebulon, ottoline] = CUSTOMERS;
    // The merchant holds a ring for Zebulon and writes his email in the note.
    const hold = await createCustomerHold(
      SHOP,
      { sku: "RING-6", location: "Warehouse", units: "1", expiresAt: new Date(Date.now() + 2 * 86_400_000).toISOString(), note: `for ${zebulon!.email}` },
      { createdBy: "staff" },
    );
    expect(hold).toMatchObject({ ok: true });
    await harness.settle();
    const legacy = (gid: string) => Number(/\d+$/.exec(gid)![0]);

    harness.sandbox.triggerCompliance({ topic: "customers/data_request", customer: { id: 501, email: zebulon!.email, phone: zebulon!.phone }, orderIds: [legacy(orderIds[0]!)], dataRequestId: 77 }, SHOP);
    await harness.settle();
    const answers = await prisma.auditEntry.findMany({ where: { shop: SHOP, subject: "customer_data" } });
    expect(answers).toHaveLength(1);
    expect(answers[0]!.reason).toContain("Customer data request 77");
    expect(answers[0]!.reason).toContain(orderIds[0]!);
    expect(answers[0]!.reason).toContain("1 customer holds");
    // The answer names the order and the hold, not the customer.
    expect(answers[0]!.reason).not.toContain(zebulon!.email);

    harness.sandbox.triggerCompliance({ topic: "customers/redact", customer: { id: 501, email: zebulon!.email, phone: zebulon!.phone }, orderIds: [legacy(orderIds[0]!)] }, SHOP);
    await harness.settle();

    // Zebulon's order and email are nowhere; Ottoline's order is untouched.
    expect(await findInDatabase([orderIds[0]!, zebulon!.email])).toEqual([]);
    expect(await prisma.saleEvent.count({ where: { shop: SHOP, orderId: orderIds[1]! } })).toBe(1);
    // The hold itself stands (the merchant's units), without its note.
    const held = await prisma.cartHold.findFirstOrThrow({ where: { shop: SHOP, holder: { startsWith: "customer:" } } });
    expect(held).toMatchObject({ note: null, units: 1 });
    expect(inLog([zebulon!.email, ottoline!.email])).toEqual([]);
  });

  it("the scheduled work empties processed deliveries' bodies after WEBHOOK_BODY_RETENTION_HOURS (default 1), not waiting ones", async () => {
    const { harness } = startRecordingHarness(false);
    await harness.install(SHOP);
    await harness.settle();
    const [orderId] = await placeCustomerOrders(harness);
    const keptBodies = () => prisma.webhookDelivery.count({ where: { shop: SHOP, topic: "orders/create", status: "processed", body: { contains: `"${orderId}"` } } });
    expect(await keptBodies()).toBe(1);
    // A delivery still waiting for the worker keeps its body, however old.
    const waiting = await prisma.webhookDelivery.create({ data: { shop: SHOP, topic: "orders/create", webhookId: "waiting-1", body: '{"id":1}', status: "received", receivedAt: new Date(Date.now() - 5 * 3_600_000) } });

    await runScheduledWork(new Date(Date.now() + 30 * 60_000)); // half an hour on: within the hour
    expect(await keptBodies()).toBe(1);
    await runScheduledWork(new Date(Date.now() + 61 * 60_000)); // an hour and a minute on
    const processed = await prisma.webhookDelivery.findMany({ where: { shop: SHOP, status: "processed" }, select: { body: true } });
    expect(processed.length).toBeGreaterThan(0);
    expect(processed.filter((row) => row.body !== "")).toEqual([]);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: waiting.id } })).body).toBe('{"id":1}');
  });

  it("shop/redact leaves no row naming the shop in any table but its tombstone", async () => {
    const { harness } = startRecordingHarness(false);
    await harness.install(SHOP);
    await harness.settle();
    await placeCustomerOrders(harness);
    harness.sandbox.uninstall(SHOP);
    await harness.settle();
    harness.sandbox.triggerCompliance({ topic: "shop/redact" }, SHOP);
    await harness.settle();
    const findings = await findInDatabase([SHOP]);
    expect(findings.map(({ table, column }) => `${table}.${column}`)).toEqual(["RedactedShop.shop"]);
  });

  it("app/scopes_update sets the offline session's scope to the granted scopes", async () => {
    const { harness } = startRecordingHarness(false);
    await harness.install(SHOP);
    await harness.settle();
    const current = ["write_inventory", "read_locations", "write_products", "read_orders"];
    const body = JSON.stringify({ id: 1, previous: toml.scopes, current, updated_at: new Date().toISOString() });
    const response = await deliverToApp(
      signedWebhook(`${process.env.SHOPIFY_APP_URL}/webhooks/app/scopes_update`, body, { topic: "app/scopes_update", shop: SHOP, webhookId: "scopes-1", eventId: "scopes-event-1" }),
    );
    expect(response.status).toBe(200);
    const sessions = await prisma.session.findMany({ where: { shop: SHOP, isOnline: false } });
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.map((session) => session.scope)).toEqual(sessions.map(() => current.join(",")));
  });
});
