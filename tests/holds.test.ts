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
    // Only the caller presenting the hold key ends the holds (a checkout token alone is not enough).
    expect((await callHolds(harness, "DELETE", { checkoutToken: "checkout-a", holdKey: "guessed" })).body).toEqual({ released: 0 });
    expect((await callHolds(harness, "DELETE", { checkoutToken: "checkout-a", holdKey: held.body.holdKey })).body).toEqual({ released: 1 });
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

  it("a checkout token alone never yields the running hold key: the caller gets a new key and the old holds end", async () => {
    const shop = "hold-keys.myshopify.com";
    const harness = await startHoldsHarness(shop);
    const variantId = variantOf(harness, shop, "SHIRT-M").id;
    const metafieldValue = () => harness.sandbox.shop(shop).snapshot().metafields.find((entry) => entry.ownerId === variantId)!.value;
    const callHolds = (method: "POST", body: unknown) => callHoldsAs(harness, shop, method, body);

    const first = await callHolds("POST", { checkoutToken: "checkout-v", lines: [{ variantId, quantity: 2 }] });
    const key: string = first.body.holdKey;
    expect(JSON.parse(metafieldValue()).holds).toEqual({ held: 2, keys: { [key]: 2 } });
    // The checkout itself, presenting its key, keeps it.
    const again = await callHolds("POST", { checkoutToken: "checkout-v", holdKey: key, lines: [{ variantId, quantity: 1 }] });
    expect(again.body.holdKey).toBe(key);
    expect(JSON.parse(metafieldValue()).holds).toEqual({ held: 1, keys: { [key]: 1 } });
    // Asking for more than is left is refused, and the checkout keeps the hold it had.
    const tooMany = await callHolds("POST", { checkoutToken: "checkout-v", holdKey: key, lines: [{ variantId, quantity: 10_000 }] });
    expect(tooMany).toMatchObject({ status: 409, body: { holdKey: key, lines: [{ ok: false }] } });
    await harness.settle();
    expect(JSON.parse(metafieldValue()).holds).toEqual({ held: 1, keys: { [key]: 1 } });

    // Someone who only knows the checkout token.
    const other = await callHolds("POST", { checkoutToken: "checkout-v", lines: [{ variantId, quantity: 1 }] });
    expect(other.status).toBe(200);
    expect(other.body.holdKey).not.toBe(key);
    expect(JSON.parse(metafieldValue()).holds).toEqual({ held: 1, keys: { [other.body.holdKey]: 1 } });
  });

  it("rejects a request without a valid session token, in an answer the checkout block can read", async () => {
    for (const headers of [{ Authorization: "Bearer forged" }, {}] as Record<string, string>[]) {
      const response = await holdsAction({
        request: new Request("https://safestock.test/api/holds", { method: "POST", body: "{}", headers: { Origin: "https://extensions.shopifycdn.com", ...headers } }),
        params: {},
        context: {},
      }).catch((thrown: unknown) => thrown as Response);
      expect(response.status).toBe(401);
      // The block runs on another origin: without this header the browser hides the 401 behind a
      // network error (the Fetch standard's CORS check).
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    }
  });
});
