/**
 * Webhooks from the attacker's side. Shopify's HMAC signs the body only
 * (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries); the shop domain, topic, ids and
 * trigger time are unsigned headers. So an attacker who captured one genuine delivery (its body
 * and X-Shopify-Hmac-Sha256, e.g. from their own development store) can resend it under any
 * headers. Captures here are real deliveries of the emulated shop, taken on their way to the app;
 * where a capture of something the attacker could not have seen is assumed, it is signed with the
 * sandbox secret, as Shopify would have signed it.
 */
import { Prisma } from "@prisma/client";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loadWebhookDeliveries } from "~/services/overview.server";
import { publishPolicy } from "~/services/policy.server";
import { runScheduledWork } from "~/services/scheduler.server";
import { deliverToApp, startHarness, type Harness } from "./support/harness";
import { webhookHeaders, webhookHmac } from "./support/signed-webhook";
import { placeOrder, receiveStock, TEST_POLICY } from "./support/scenarios";

// Each test has its own pair of shops: the database is shared by the file's tests.
let VICTIM = "";
let ATTACKER = "";
let pairs = 0;
const HOUR = 3_600_000;

interface Capture {
  topic: string;
  shop: string;
  body: string;
  hmac: string;
}

/** A harness whose webhook deliveries are also captured, as an attacker on the wire would see them. */
function capturingHarness(shops: string[]): { harness: Harness; captures: Capture[] } {
  const captures: Capture[] = [];
  const harness = startHarness({
    shops,
    deliver: async (request) => {
      captures.push({
        topic: request.headers.get("X-Shopify-Topic")!,
        shop: request.headers.get("X-Shopify-Shop-Domain")!,
        body: await request.clone().text(),
        hmac: request.headers.get("X-Shopify-Hmac-Sha256")!,
      });
      return deliverToApp(request);
    },
  });
  return { harness, captures };
}

const captured = (captures: Capture[], shop: string, topic: string) => {
  const capture = captures.find((entry) => entry.shop === shop && entry.topic === topic);
  if (!capture) throw new Error(`no ${topic} captured for ${shop}`);
  return capture;
};

/** Resends a body with its HMAC under headers of the attacker's choosing, with fresh ids. */
function replay(
  capture: Pick<Capture, "body" | "hmac">,
  headers: { topic: string; shop: string; triggeredAt?: Date; webhookId?: string },
) {
  const webhookId = headers.webhookId ?? `replay-${randomUUID()}`;
  const request = new Request(`https://safestock.test/webhooks/${headers.topic}`, {
    method: "POST",
    body: capture.body,
    headers: webhookHeaders({ topic: headers.topic, shop: headers.shop, hmac: capture.hmac, webhookId, triggeredAt: headers.triggeredAt }),
  });
  return { webhookId, response: deliverToApp(request) };
}

/** A body as Shopify would have signed it (a capture the test assumes rather than takes). */
const signed = (body: string) => ({ body, hmac: webhookHmac(body) });

const shopScopedModels = Prisma.dmmf.datamodel.models.filter((model) => model.fields.some((field) => field.name === "shop"));

async function rowsOf(shop: string) {
  const counts: Record<string, number> = {};
  for (const model of shopScopedModels) {
    const delegate = (prisma as unknown as Record<string, { count(args: unknown): Promise<number> }>)[model.name[0].toLowerCase() + model.name.slice(1)];
    counts[model.name] = await delegate.count({ where: { shop } });
  }
  return counts;
}

/** The victim's rows apart from the deliveries themselves (a refused delivery is recorded, for the admin). */
async function stateOf(shop: string) {
  const { WebhookDelivery: _deliveries, ...rest } = await rowsOf(shop);
  const installation = await prisma.shopInstallation.findUnique({ where: { shop } });
  return { rows: rest, status: installation?.status, sessions: await prisma.session.count({ where: { shop } }) };
}

async function deliveryRow(shop: string, webhookId: string) {
  return prisma.webhookDelivery.findUniqueOrThrow({ where: { shop_webhookId: { shop, webhookId } } });
}

/** Two shops: a victim trading with a policy, and the attacker's own store, installed then uninstalled and redacted. */
async function victimAndAttacker() {
  pairs += 1;
  VICTIM = `victim-${pairs}.myshopify.com`;
  ATTACKER = `attacker-dev-${pairs}.myshopify.com`;
  const { harness, captures } = capturingHarness([VICTIM, ATTACKER]);
  for (const shop of [VICTIM, ATTACKER]) {
    await harness.install(shop);
    await harness.settle();
  }
  expect(await publishPolicy(VICTIM, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
  await placeOrder(harness, VICTIM, "RING-7", 1, "web");
  await placeOrder(harness, ATTACKER, "RING-7", 1, "web");
  await harness.settle();
  // The attacker uninstalls Safestock from their own store and waits for its shop/redact: now
  // they hold genuine app/uninstalled and shop/redact deliveries, signed by Shopify.
  harness.sandbox.uninstall(ATTACKER);
  await harness.settle();
  harness.sandbox.triggerCompliance({ topic: "shop/redact" }, ATTACKER);
  await harness.settle();
  return { harness, captures };
}

// Each case installs two shops and trades on both first: on a loaded 2-core machine that alone can
// take most of the default 20 s.
describe("webhook claims from the attacker's side", { timeout: 60_000 }, () => {
  it("a captured shop/redact or app/uninstalled replayed with another shop's domain leaves that shop installed and intact", async () => {
    const { captures } = await victimAndAttacker();
    const before = await stateOf(VICTIM);
    expect(before.status).toBe("active");
    expect(before.rows.CatalogItem).toBeGreaterThan(0);
    expect(before.rows.PolicyVersion).toBe(1);

    const attempts = [
      replay(captured(captures, ATTACKER, "shop/redact"), { topic: "shop/redact", shop: VICTIM }),
      replay(captured(captures, ATTACKER, "app/uninstalled"), { topic: "app/uninstalled", shop: VICTIM }),
      // An order body names no shop at all: it cannot stand for one either.
      replay(captured(captures, ATTACKER, "orders/create"), { topic: "shop/redact", shop: VICTIM }),
      replay(captured(captures, ATTACKER, "orders/create"), { topic: "app/uninstalled", shop: VICTIM }),
    ];
    for (const attempt of attempts) expect((await attempt.response).status).toBe(200);

    expect(await stateOf(VICTIM)).toEqual(before);
    for (const attempt of attempts) {
      const row = await deliveryRow(VICTIM, attempt.webhookId);
      expect(row.status).toBe("refused");
      expect(row.reason).toBeTruthy();
    }
    expect((await deliveryRow(VICTIM, attempts[0].webhookId)).reason).toContain(ATTACKER);

    // Under an X-Shopify-Triggered-At of 20 hours ago (inside the freshness window) refused
    // replays would read as a late feed: they must not freeze the victim's lower tiers.
    const recorded = await prisma.webhookDelivery.count({ where: { shop: VICTIM } });
    for (let copy = 0; copy < recorded; copy++) {
      const lateLooking = replay(captured(captures, ATTACKER, "shop/redact"), { topic: "shop/redact", shop: VICTIM, triggeredAt: new Date(Date.now() - 20 * HOUR) });
      expect((await lateLooking.response).status).toBe(200);
    }
    await runScheduledWork(new Date());
    expect((await prisma.shopInstallation.findUniqueOrThrow({ where: { shop: VICTIM } })).frozenSince).toBeNull();
  });

  it("a shop/redact or app/uninstalled naming an installed shop whose token still works is refused", async () => {
    const { harness } = await victimAndAttacker();
    const before = await stateOf(VICTIM);
    // Assume the attacker holds the victim's own compliance and uninstall bodies (say, from an
    // earlier install): they agree with the header, but Shopify still accepts the app's token.
    const redact = replay(signed(JSON.stringify({ shop_id: 1, shop_domain: VICTIM })), { topic: "shop/redact", shop: VICTIM });
    const uninstall = replay(signed(JSON.stringify({ id: 1, name: "Victim", domain: VICTIM, myshopify_domain: VICTIM })), { topic: "app/uninstalled", shop: VICTIM });
    expect((await redact.response).status).toBe(200);
    expect((await uninstall.response).status).toBe(200);
    await harness.settle();

    expect(await stateOf(VICTIM)).toEqual(before);
    expect(await deliveryRow(VICTIM, redact.webhookId)).toMatchObject({ status: "refused", reason: expect.stringContaining("still accepts") });
    expect(await deliveryRow(VICTIM, uninstall.webhookId)).toMatchObject({ status: "refused", reason: expect.stringContaining("still accepts") });
  });

  it("a delivery 48 hours old is recorded, shown with its reason, and not processed", async () => {
    const { harness, captures } = await victimAndAttacker();
    const order = captured(captures, VICTIM, "orders/create");
    const sales = await prisma.saleEvent.count({ where: { shop: VICTIM } });
    const jobs = await prisma.job.count({ where: { shop: VICTIM } });

    // New ids, old trigger time.
    const late = replay(order, { topic: "orders/create", shop: VICTIM, triggeredAt: new Date(Date.now() - 48 * HOUR) });
    // A 48-hour-old level update under a trigger time of now: its own signed updated_at gives it away.
    const level = JSON.parse(captured(captures, VICTIM, "inventory_levels/update").body) as Record<string, unknown>;
    const oldLevel = signed(JSON.stringify({ ...level, updated_at: new Date(Date.now() - 48 * HOUR).toISOString() }));
    const disguised = replay(oldLevel, { topic: "inventory_levels/update", shop: VICTIM });
    expect((await late.response).status).toBe(200);
    expect((await disguised.response).status).toBe(200);

    expect(await deliveryRow(VICTIM, late.webhookId)).toMatchObject({ status: "stale", reason: expect.stringMatching(/48 h .*26 h freshness window/) });
    expect(await deliveryRow(VICTIM, disguised.webhookId)).toMatchObject({ status: "stale", reason: expect.stringContaining("reconciliation") });
    // The Webhook deliveries page lists them with the reason.
    const page = await loadWebhookDeliveries(VICTIM, null);
    expect(page.deliveries.find((row) => row.webhookId === late.webhookId)).toMatchObject({ status: "stale", reason: expect.stringContaining("freshness window") });
    // Nothing queued, nothing counted.
    expect(await prisma.job.count({ where: { shop: VICTIM } })).toBe(jobs);
    await harness.settle();
    expect(await prisma.saleEvent.count({ where: { shop: VICTIM } })).toBe(sales);
  });

  it("after shop/redact, replays of the shop's deliveries re-create nothing; a genuine reinstall brings it back", async () => {
    const { harness, captures } = await victimAndAttacker();
    // The attacker's own shop went through a genuine uninstall and shop/redact: nothing is left of it but the tombstone.
    const { RedactedShop: tombstones, ...rest } = await rowsOf(ATTACKER);
    expect(tombstones).toBe(1);
    expect(Object.entries(rest).filter(([, count]) => count > 0)).toEqual([]);

    for (const topic of ["orders/create", "inventory_levels/update", "app/uninstalled", "shop/redact"]) {
      expect((await replay(captured(captures, ATTACKER, topic), { topic, shop: ATTACKER }).response).status).toBe(200);
    }
    await harness.settle();
    const { RedactedShop: stillOne, ...after } = await rowsOf(ATTACKER);
    expect(stillOne).toBe(1);
    expect(Object.entries(after).filter(([, count]) => count > 0)).toEqual([]);

    // The merchant installs Safestock again: a token exchange, a new initial sync, webhooks count again.
    await harness.install(ATTACKER);
    await harness.settle();
    expect(await prisma.redactedShop.count({ where: { shop: ATTACKER } })).toBe(0);
    expect(await prisma.shopInstallation.findUniqueOrThrow({ where: { shop: ATTACKER } })).toMatchObject({ status: "active", initialSync: "done" });
    expect(await prisma.catalogItem.count({ where: { shop: ATTACKER } })).toBeGreaterThan(0);
    await receiveStock(harness, ATTACKER, "RING-7", "Warehouse", 2);
    await harness.settle();
    const levels = await prisma.webhookDelivery.findMany({ where: { shop: ATTACKER, topic: "inventory_levels/update" } });
    expect(levels.length).toBeGreaterThan(0);
    expect(levels.every((row) => row.status === "processed")).toBe(true);
  });
});
