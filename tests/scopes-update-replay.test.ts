/**
 * app/scopes_update from the attacker's side (issue 18 leftover 4). Shopify signs the body only
 * (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries); the webhook id and
 * X-Shopify-Triggered-At are unsigned headers. Whoever captured a genuine, validly signed
 * delivery can send it again with any headers. Whatever they choose, an old update must change
 * nothing: neither one older than the freshness window (WEBHOOK_FRESHNESS_HOURS, 26 h by
 * default) nor a recent one older than the update already applied.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { clearShopRedaction, deleteShopData } from "~/models/shop-data.server";
import { parseAppToml, SANDBOX_SHOP_DOMAIN, topicSubscriptions } from "../sandbox";
import { deliverToApp, startHarness } from "./support/harness";
import { signedWebhook } from "./support/signed-webhook";

const SHOP = SANDBOX_SHOP_DOMAIN;
const toml = parseAppToml(readFileSync(path.resolve(__dirname, "../shopify.app.toml"), "utf8"));
const HOUR = 3_600_000;

beforeEach(async () => {
  await deleteShopData(SHOP);
  await clearShopRedaction(SHOP);
  for (const method of ["info", "warn"] as const) vi.spyOn(console, method).mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

/** A genuine delivery's body: what Shopify signed when the scopes changed at `updatedAt`. */
function genuineBody(current: string[], updatedAt: Date) {
  return JSON.stringify({ id: 1, previous: toml.scopes, current, updated_at: updatedAt.toISOString() });
}

/** Posts `body` with its valid HMAC (the attacker replays a captured body and signature) under the headers given. */
async function send(body: string, headers: { webhookId: string; triggeredAt: Date }) {
  const response = await deliverToApp(
    signedWebhook(`${process.env.SHOPIFY_APP_URL}/webhooks/app/scopes_update`, body, {
      topic: "app/scopes_update",
      shop: SHOP,
      webhookId: headers.webhookId,
      eventId: `event-${headers.webhookId}`,
      triggeredAt: headers.triggeredAt,
    }),
  );
  expect(response.status).toBe(200);
  return prisma.webhookDelivery.findUniqueOrThrow({ where: { shop_webhookId: { shop: SHOP, webhookId: headers.webhookId } } });
}

async function offlineScopes() {
  const sessions = await prisma.session.findMany({ where: { shop: SHOP, isOnline: false } });
  expect(sessions.length).toBeGreaterThan(0);
  return [...new Set(sessions.map((session) => session.scope))];
}

const OLD_SCOPES = ["write_inventory", "read_locations"];
const NEWER_SCOPES = ["write_inventory", "read_locations", "write_products"];
const NEWEST_SCOPES = ["write_inventory", "read_locations", "write_products", "read_orders"];

describe("app/scopes_update replayed by an attacker", () => {
  async function installed() {
    const harness = startHarness({ subscriptions: topicSubscriptions(toml, process.env.SHOPIFY_APP_URL!) });
    await harness.install(SHOP);
    await harness.settle();
  }

  it("an old, validly signed delivery replayed with fresh headers changes nothing (older than the freshness window)", async () => {
    await installed();
    const now = Date.now();
    const current = await send(genuineBody(NEWER_SCOPES, new Date(now - HOUR)), { webhookId: "genuine-1", triggeredAt: new Date(now - HOUR) });
    expect(current.status).toBe("processed");
    expect(await offlineScopes()).toEqual([NEWER_SCOPES.join(",")]);

    // Captured three days ago; the attacker sends it under a new id and a trigger time of now.
    const captured = genuineBody(OLD_SCOPES, new Date(now - 72 * HOUR));
    const replayed = await send(captured, { webhookId: "replay-fresh-header", triggeredAt: new Date(now) });
    expect(replayed.status).toBe("stale");
    // ... or under its own old trigger time.
    const asSent = await send(captured, { webhookId: "replay-old-header", triggeredAt: new Date(now - 72 * HOUR) });
    expect(asSent.status).toBe("stale");
    expect(await offlineScopes()).toEqual([NEWER_SCOPES.join(",")]);
  });

  it("a recent delivery older than the update applied changes nothing, whatever its trigger header says", async () => {
    await installed();
    const now = Date.now();
    const older = genuineBody(OLD_SCOPES, new Date(now - 3 * HOUR));
    expect((await send(older, { webhookId: "genuine-older", triggeredAt: new Date(now - 3 * HOUR) })).status).toBe("processed");
    expect((await send(genuineBody(NEWER_SCOPES, new Date(now - 2 * HOUR)), { webhookId: "genuine-newer", triggeredAt: new Date(now - 2 * HOUR) })).status).toBe("processed");
    expect(await offlineScopes()).toEqual([NEWER_SCOPES.join(",")]);

    // The older genuine body again, within the window, claiming to be triggered now and an hour ahead.
    for (const [webhookId, triggeredAt] of [
      ["replay-now", new Date(now)],
      ["replay-future", new Date(now + HOUR)],
    ] as const) {
      const replayed = await send(older, { webhookId, triggeredAt });
      expect(replayed.status).toBe("refused");
      expect(replayed.reason).toContain("not newer");
    }
    expect(await offlineScopes()).toEqual([NEWER_SCOPES.join(",")]);

    // A future trigger header on a replay did not raise the bar: Shopify's next genuine update applies.
    const next = await send(genuineBody(NEWEST_SCOPES, new Date(now - HOUR)), { webhookId: "genuine-newest", triggeredAt: new Date(now - HOUR) });
    expect(next.status).toBe("processed");
    expect(await offlineScopes()).toEqual([NEWEST_SCOPES.join(",")]);
  });

  it("a genuine update delivered late but in the window, after a newer one, is not applied (out-of-order delivery)", async () => {
    await installed();
    const now = Date.now();
    expect((await send(genuineBody(NEWEST_SCOPES, new Date(now - HOUR)), { webhookId: "later-change", triggeredAt: new Date(now - HOUR) })).status).toBe("processed");
    const late = await send(genuineBody(OLD_SCOPES, new Date(now - 5 * HOUR)), { webhookId: "earlier-change", triggeredAt: new Date(now - 5 * HOUR) });
    expect(late.status).toBe("refused");
    expect(await offlineScopes()).toEqual([NEWEST_SCOPES.join(",")]);
  });
});
