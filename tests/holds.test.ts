import { describe, expect, it } from "vitest";
import { action as holdsAction } from "~/routes/api.holds";
import { runScheduledWork } from "~/services/scheduler.server";
import type { Harness } from "./support/harness";
import { callHolds as callHoldsAs, publishedChannels, startHoldsHarness } from "./support/holds";
import { variantOf } from "./support/scenarios";

const SHOP = "holds.myshopify.com";
const channels = (harness: Harness, sku: string) => publishedChannels(harness, SHOP, sku);
const callHolds = (harness: Harness, method: "POST" | "DELETE", body: unknown) => callHoldsAs(harness, SHOP, method, body);

describe("cart holds", () => {
  it("a checkout's hold lowers the other channels, refuses what other checkouts hold, and ends on release or expiry", async () => {
    const harness = await startHoldsHarness(SHOP);

    const sku = "SHIRT-M";
    const variantId = variantOf(harness, SHOP, sku).id;
    const before = channels(harness, sku);
    expect(before.online_store.available).toBeGreaterThan(2);

    const held = await callHolds(harness, "POST", { checkoutToken: "checkout-a", lines: [{ variantId, quantity: 2 }] });
    expect(held.status).toBe(200);
    expect(held.body.lines[0]).toMatchObject({ ok: true, units: 2 });
    await harness.settle();
    const during = channels(harness, sku);
    // The holder's own channel keeps its number; every other channel gives up the held units.
    expect(during.online_store.available).toBe(before.online_store.available);
    expect(during.marketplace.available).toBe(before.marketplace.available - 2);

    // Another checkout cannot take the units the first one holds.
    const rest = before.online_store.available - 2;
    const refused = await callHolds(harness, "POST", { checkoutToken: "checkout-b", lines: [{ variantId, quantity: rest + 1 }] });
    expect(refused.status).toBe(409);
    expect(refused.body.lines[0]).toEqual({ variantId, ok: false, available: rest, reason: `Only ${rest} left: 2 are in other shoppers' checkouts.` });

    // The first checkout leaves: its units are back everywhere.
    expect((await callHolds(harness, "DELETE", { checkoutToken: "checkout-a" })).body).toEqual({ released: 1 });
    await harness.settle();
    expect(channels(harness, sku)).toEqual(before);

    // A hold that is never released expires.
    await callHolds(harness, "POST", { checkoutToken: "checkout-c", lines: [{ variantId, quantity: 1 }] });
    await harness.settle();
    expect(channels(harness, sku).marketplace.available).toBe(before.marketplace.available - 1);
    const summary = await runScheduledWork(new Date(Date.now() + 16 * 60_000));
    expect(summary.expiredHolds).toBe(1);
    await harness.settle();
    expect(channels(harness, sku)).toEqual(before);
  });

  it("rejects a request without a valid session token", async () => {
    const response = await holdsAction({
      request: new Request("https://safestock.test/api/holds", { method: "POST", body: "{}", headers: { Authorization: "Bearer forged" } }),
      params: {},
      context: {},
    }).catch((thrown: unknown) => thrown as Response);
    expect(response.status).toBe(401);
  });
});
