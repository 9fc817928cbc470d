/**
 * Issue 22, from the attacker's side: one checkout session token posting holds under 17 invented
 * checkout tokens held all 17 units (marketplace 17 → 0) and a real buyer was refused; a 1 MB
 * checkoutToken was accepted and every re-post added a row. Now a session holds one cart's lines
 * at most, inputs are bounded, requests are rate limited and closed holds are cleaned up.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as holdsAction } from "~/routes/api.holds";
import { HOLD_REQUESTS_PER_MINUTE } from "~/services/holds.server";
import { runScheduledWork } from "~/services/scheduler.server";
import type { Harness } from "./support/harness";
import { callHolds, publishedChannels, startHoldsHarness } from "./support/holds";
import { variantOf } from "./support/scenarios";
import { reportFigure } from "./support/chaos-figures";

const SHOP = "holds-abuse.myshopify.com";
const SKU = "SHIRT-M";

/** The checkout extension's call with a session token the caller keeps (one buyer session). */
async function postAs(token: string, method: "POST" | "DELETE", body: string) {
  const response = await holdsAction({
    request: new Request("https://safestock.test/api/holds", {
      method,
      headers: { "Content-Type": "application/json", Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${token}` },
      body,
    }),
    params: {},
    context: {},
  }).catch((thrown: unknown) => (thrown instanceof Response ? thrown : Promise.reject(thrown)));
  return { status: response.status, retryAfter: response.headers.get("Retry-After"), body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const runningHolds = () => prisma.cartHold.count({ where: { shop: SHOP, status: "active" } });
const channels = (harness: Harness) => publishedChannels(harness, SHOP, SKU);

describe("an abusive buyer at /api/holds", () => {
  it("one session with 17 invented checkout tokens holds one cart's units; bounds, rate limit, re-posts and cleanup hold; a real buyer is served", async () => {
    const harness = await startHoldsHarness(SHOP);
    const variantId = variantOf(harness, SHOP, SKU).id;
    const before = channels(harness);
    expect(before.marketplace.available).toBeGreaterThan(3);

    // The attack: one session token, 17 invented checkout tokens, one unit each.
    const attacker = harness.sandbox.mintSessionToken(SHOP);
    for (let i = 0; i < 17; i++) {
      const answer = await postAs(attacker, "POST", JSON.stringify({ checkoutToken: `invented-${i}`, lines: [{ variantId, quantity: 1 }] }));
      expect(answer.status).toBe(200);
    }
    await harness.settle();
    // Its own cart asked for 1 unit: that is all it holds, and the marketplace lost 1, not 17.
    const held = await prisma.cartHold.findMany({ where: { shop: SHOP, status: "active" } });
    reportFigure(
      "holds-17-tokens",
      `${held.length} active hold(s); marketplace ${before.marketplace.available} → ${channels(harness).marketplace.available} (the cart asked for 1 unit)`,
    );
    expect(await runningHolds()).toBe(1);
    expect(channels(harness).marketplace.available).toBe(before.marketplace.available - 1);

    // A real buyer (their own session) is served.
    const buyer = await callHolds(harness, SHOP, "POST", { checkoutToken: "real-buyer", lines: [{ variantId, quantity: 2 }] });
    expect(buyer.status).toBe(200);
    expect(buyer.body.lines[0]).toMatchObject({ ok: true, held: true, units: 2 });

    // Oversized input is refused before anything is stored.
    const rowsBefore = await prisma.cartHold.count({ where: { shop: SHOP } });
    const huge = await callHolds(harness, SHOP, "POST", { checkoutToken: "x".repeat(1024 * 1024), lines: [{ variantId, quantity: 1 }] });
    // A 1 MB body is refused while it is read (the 64 KB limit, tests/webhook-intake-bounds.test.ts);
    // a token over 256 characters in a small body is refused by the input bounds.
    const long = await callHolds(harness, SHOP, "POST", { checkoutToken: "y".repeat(257), lines: [] });
    const rowsAfter = await prisma.cartHold.count({ where: { shop: SHOP } });
    reportFigure("holds-1mb-token", `1 MB: ${huge.status} (${String(huge.body.error).slice(0, 50)}); 257 characters: ${long.status}; ${rowsAfter - rowsBefore} rows added`);
    expect(huge.status).toBe(413);
    expect(long.status).toBe(400);
    expect(rowsAfter).toBe(rowsBefore);

    // Re-posting the same cart under its hold key updates nothing and adds no row.
    const session = harness.sandbox.mintSessionToken(SHOP);
    const first = await postAs(session, "POST", JSON.stringify({ checkoutToken: "repost", lines: [{ variantId, quantity: 1 }] }));
    expect(first.status).toBe(200);
    const rowsAfterFirst = await prisma.cartHold.count({ where: { shop: SHOP } });
    for (let i = 0; i < 5; i++) {
      const again = await postAs(session, "POST", JSON.stringify({ checkoutToken: "repost", holdKey: first.body.holdKey, lines: [{ variantId, quantity: 1 }] }));
      expect(again.status).toBe(200);
      expect(again.body.holdKey).toBe(first.body.holdKey);
    }
    expect(await prisma.cartHold.count({ where: { shop: SHOP } })).toBe(rowsAfterFirst);

    // The attacker's session is rate limited: it already sent 17; the rest of its minute is bounded.
    let accepted = 17;
    let limited: Awaited<ReturnType<typeof postAs>> | null = null;
    while (!limited && accepted < HOLD_REQUESTS_PER_MINUTE + 5) {
      const answer = await postAs(attacker, "DELETE", JSON.stringify({ checkoutToken: "invented-16", holdKey: "guess" }));
      if (answer.status === 429) limited = answer;
      else accepted++;
    }
    expect(accepted).toBe(HOLD_REQUESTS_PER_MINUTE);
    expect(Number(limited?.retryAfter)).toBeGreaterThan(0);

    // Closed holds are deleted an hour after they closed; running ones expire first.
    await harness.settle();
    await runScheduledWork(new Date(Date.now() + 2 * 60 * 60_000));
    await runScheduledWork(new Date(Date.now() + 4 * 60 * 60_000));
    expect(await prisma.cartHold.count({ where: { shop: SHOP, status: { in: ["released", "expired"] } } })).toBe(0);
  }, 60_000);
});
