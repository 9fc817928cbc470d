/**
 * Issue 17: state that every web process and worker must agree on is kept in the database they
 * share, not in each process. With two web processes the checkout holds API's limit of
 * HOLD_REQUESTS_PER_MINUTE (30) a minute per buyer session was 60, and the clock skew measured from
 * Shopify's Date header was known only to the process that measured it.
 *
 * A "second process" here is a second database client on the same database (its own connection
 * or pool, as another process has), running the same model code; the app's own client is the first.
 * Runs on SQLite and, in CI's step 2, on PostgreSQL.
 */
import { afterAll, describe, expect, it } from "vitest";
import prisma, { createPrismaClient, databaseUrlOf, isPostgresUrl } from "~/db.server";
import { countHoldRequest } from "~/models/hold-request-window.server";
import { admitHold, placePendingHold } from "~/models/holds.server";
import { recordMeasurement } from "~/models/shared-measurement.server";
import { createStorage } from "~/models/storage/index.server";
import { shopifyClockSkewMs } from "~/services/clock-skew.server";
import { HOLD_REQUESTS_PER_MINUTE, holdRequestWait } from "~/services/holds.server";
import { observeShopifyDate } from "~/shopify/clock-skew.server";
import { reportFigure } from "./support/chaos-figures";
import { waitFor } from "./support/wait-for";

const SHOP = "shared-state.myshopify.com";
const url = databaseUrlOf(prisma);
const otherProcess = createPrismaClient(url);
createStorage(otherProcess, { databaseUrl: url });
afterAll(() => otherProcess.$disconnect());

// A fixed time, so windows are computed by hand: 2026-12-06 10:00:00 UTC.
const T0 = Date.UTC(2026, 11, 6, 10, 0, 0);

describe("state shared by every process through the database", () => {
  it("the holds API's limit per buyer session is the limit across two processes, not per process", async () => {
    // 40 requests of one session, alternating between the two processes, all at once.
    const counted = await Promise.all(Array.from({ length: 40 }, (_, i) => countHoldRequest(SHOP, "session-1", T0 + i, i % 2 === 0 ? prisma : otherProcess)));
    // Hand count: one count per request across both, 1 to 40, so exactly 30 are within the limit.
    expect(counted.map(({ count }) => count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const accepted = counted.filter(({ count }) => count <= HOLD_REQUESTS_PER_MINUTE).length;
    reportFigure("shared-process-state", `40 hold requests of one session, alternating between 2 processes: ${accepted} accepted, ${40 - accepted} refused`);
    expect(accepted).toBe(30);
  });

  it("the limit as the route applies it: 15 requests in each process, then the 31st waits until the window's minute is over", async () => {
    // The window starts at the session's first request, 10:00:05.
    for (let i = 0; i < 15; i++) expect(await holdRequestWait(SHOP, "session-2", T0 + 5_000 + i)).toBe(0);
    for (let i = 0; i < 15; i++) await countHoldRequest(SHOP, "session-2", T0 + 6_000 + i, otherProcess);
    // At 10:00:20, 45 s of the window are left.
    expect(await holdRequestWait(SHOP, "session-2", T0 + 20_000)).toBe(45);
    // Another session of the same shop has its own limit.
    expect(await holdRequestWait(SHOP, "session-3", T0 + 20_000)).toBe(0);
    // 10:01:05: a new window, counted from 1 again; it clears the shop's windows that ended
    // (session-1's, which started at 10:00:00), not session-3's, still running.
    expect(await holdRequestWait(SHOP, "session-2", T0 + 65_000)).toBe(0);
    expect(await prisma.holdRequestWindow.findMany({ where: { shop: SHOP }, select: { session: true, count: true }, orderBy: { session: "asc" } })).toEqual([
      { session: "session-2", count: 1 },
      { session: "session-3", count: 1 },
    ]);
  });

  it("checkouts racing for the last 3 units in two processes: the holds admitted never add up to more than 3", async () => {
    // Hand-made: 3 units on the online store; 12 checkouts, each wanting 1, all placed pending first
    // and then admitted at once, alternating between the two processes. Any correct admission keeps
    // exactly 3 (the first three to be admitted); ordering by placement time let two checkouts each
    // see itself first (CI on PostgreSQL, 2026-12-06).
    const item = "gid://shopify/InventoryItem/race";
    const channel = "online_store";
    const available = 3;
    await prisma.channelState.create({ data: { shop: SHOP, inventoryItemId: item, channel, available, paused: false } });
    const now = new Date(T0);
    const expiresAt = new Date(T0 + 15 * 60_000);
    const checkouts = Array.from({ length: 12 }, (_, i) => `checkout-${i}`);
    // On SQLite the second client shares this process's one thread: a transaction of one client
    // waiting (synchronously, better-sqlite3) for the other's write lock would block the event loop
    // that must finish the other's transaction. Real processes wait for each other; here the SQLite
    // run races 12 admissions on one client (its transactions interleave with their awaits).
    const racers = isPostgresUrl(url) ? [prisma, otherProcess] : [prisma];
    const racer = (i: number) => racers[i % racers.length];
    for (let round = 0; round < 3; round++) {
      const pending = await Promise.all(
        checkouts.map((holder, i) =>
          placePendingHold(SHOP, { holder: `${round}-${holder}`, channel, inventoryItemId: item, variantId: "gid://shopify/ProductVariant/race", sku: "RACE", units: 1, expiresAt }, racer(i)),
        ),
      );
      const admissions = await Promise.all(
        pending.map((hold, i) =>
          admitHold(SHOP, { id: hold.id, holder: hold.holder, variantId: hold.variantId, channel, inventoryItemId: item, now }, (heldByOthers) => 1 <= available - heldByOthers, racer(i)),
        ),
      );
      expect(admissions.filter((admission) => admission.admitted)).toHaveLength(3);
      expect(await prisma.cartHold.count({ where: { shop: SHOP, inventoryItemId: item, status: "active" } })).toBe(3);
      // The next round starts from an empty shelf again.
      await prisma.cartHold.deleteMany({ where: { shop: SHOP, inventoryItemId: item } });
    }
  });

  it("the clock skew measured by one process is the one every process reads", async () => {
    // Measured in the other process (a worker): 6 minutes ahead of Shopify.
    await recordMeasurement("shopify-clock-skew", { value: 360_000, measuredAt: new Date() }, otherProcess);
    expect(await shopifyClockSkewMs()).toBe(360_000);

    // Measured in this process from a response: Shopify's Date says 10:00:00 (so Shopify's time was
    // 10:00:00.5 ± 0.5 s) for a request sent at 10:03:00.000 and answered at 10:03:00.200 by our
    // clock: our clock is 10:03:00.100 − 10:00:00.500 = 179,600 ms ahead. The composition root stores it.
    observeShopifyDate("Sun, 06 Dec 2026 10:00:00 GMT", T0 + 180_000, T0 + 180_200);
    await waitFor(async () => (await otherProcess.sharedMeasurement.findUnique({ where: { name: "shopify-clock-skew" } }))?.value === 179_600, {
      what: "the measurement stored for the other process",
      intervalMs: 20,
    });
    expect(await shopifyClockSkewMs()).toBe(179_600);
    reportFigure("shared-process-state", `skew measured in one process, read in the other: ${(await shopifyClockSkewMs()) / 1000} s`);
  });
});
