import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { jobQueue } from "~/services/jobs.server";
import { loadDashboard } from "~/services/dashboard.server";
import { publishPolicy } from "~/services/policy.server";
import { SANDBOX_ADMIN_TOKEN } from "../sandbox";
import { driftFromModel } from "./model/shop-drift";
import { startHarness } from "./support/harness";
import { receiveStock, TEST_MODEL_POLICY, TEST_POLICY } from "./support/scenarios";
import { waitFor } from "./support/wait-for";

const SHOP = "lost-access.myshopify.com";

/** Through the queue port, so the test means the same on the embedded queue and on BullMQ. */
const jobsByStatus = async () => (await jobQueue().stats(SHOP)).byStatus;

describe("lost access", () => {
  it("a 401 on the offline token parks the shop's jobs; the next admin load exchanges a token and runs them", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();
    const emulator = harness.sandbox.shop(SHOP);
    const safetyStockBefore = emulator.snapshot().inventoryLevels.map((level) => level.quantities.safety_stock);

    // Shopify stops accepting the app's token (revoked, app still installed). The sandbox's own
    // admin token is granted again: the test keeps trading through it.
    emulator.revokeAccessTokens();
    emulator.grantAccessToken(SANDBOX_ADMIN_TOKEN, []);

    expect(await publishPolicy(SHOP, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await receiveStock(harness, SHOP, "RING-7", "Warehouse", 4);
    await harness.settle();

    const lost = await prisma.shopInstallation.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(lost.accessLostAt).not.toBeNull();
    expect(lost.accessLostReason).toMatch(/401/);
    // The reconcile of the publish and the recompute of the receipt wait; none is dead.
    // BullMQ parks a job a moment after its handler threw: wait for both to be parked.
    const waiting = await waitFor(async () => {
      const counts = await jobsByStatus();
      return (counts.waiting ?? 0) >= 2 ? counts : null;
    }, { what: "the reconcile and the recompute to be parked", timeoutMs: 10_000 });
    expect(waiting.waiting).toBeGreaterThanOrEqual(2);
    expect(waiting.dead ?? 0).toBe(0);
    expect(waiting.pending ?? 0).toBe(0);
    // The dead session is gone, so the next admin load exchanges a fresh token.
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    // Nothing was written while access was lost.
    expect(emulator.snapshot().inventoryLevels.map((level) => level.quantities.safety_stock)).toEqual(safetyStockBefore);
    expect((await loadDashboard(SHOP)).access).toMatchObject({ state: "lost", waitingJobs: waiting.waiting });

    // The merchant opens Safestock: token exchange → afterAuth resumes the waiting jobs.
    await harness.openApp(SHOP);
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(1);
    await harness.settle();

    const after = await jobsByStatus();
    expect(after.waiting ?? 0).toBe(0);
    expect(after.dead ?? 0).toBe(0);
    expect((await prisma.shopInstallation.findUniqueOrThrow({ where: { shop: SHOP } })).accessLostAt).toBeNull();
    expect((await loadDashboard(SHOP)).access).toMatchObject({ state: "restored", jobsResumed: waiting.waiting });
    // The published policy and the receipt are now applied in Shopify.
    const state = emulator.snapshot();
    expect(driftFromModel(state, TEST_MODEL_POLICY)).toEqual([]);
    expect(state.inventoryLevels.some((level) => level.quantities.safety_stock > 0)).toBe(true);
  });

  it("a job that finds no session for a shop still installed waits for the merchant instead of dying", async () => {
    // The token source drops a session refused with invalid_grant a moment before the access-lost
    // mark is written; a job running in between saw neither (CI on PostgreSQL, 2026-12-06: it died).
    const shop = "no-session.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    await harness.install(shop);
    await harness.settle();
    await prisma.session.deleteMany({ where: { shop } });
    await receiveStock(harness, shop, "RING-7", "Warehouse", 4);
    await harness.settle();
    const parked = await waitFor(async () => {
      const { byStatus } = await jobQueue().stats(shop);
      return (byStatus.waiting ?? 0) >= 1 ? byStatus : null;
    }, { what: "the recompute of the receipt to be parked", timeoutMs: 10_000 });
    expect(parked.dead ?? 0).toBe(0);
  });
});
