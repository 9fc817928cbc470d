/**
 * Expiring offline tokens across processes (docs/decisions/021-expiring-offline-tokens.md): two
 * web processes, two workers, PostgreSQL + BullMQ, the emulated shop in its own process issuing
 * 5-second access tokens (SANDBOX_TOKEN_TTL_S; Shopify's last 60 minutes,
 * shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh). A 60-s order stream
 * runs across a dozen expiries, and one refresh answer is lost on the way
 * (shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens).
 *
 * Expected values come from the emulator's records (its refresh log and 401 count, its state) and
 * from the policy's definition (docs/policy.md § 1), never from the app's code:
 * - no 401 ever reaches the app: tokens are refreshed ahead of expiry;
 * - one refresh per shop, not per process: no refresh token is redeemed twice, except the one
 *   whose answer was lost (retried once, by design), and there are no more refreshes than token
 *   lifetimes elapsed;
 * - nothing is lost: every level ends at its policy value, no job dead or parked.
 */
import { http, passthrough } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RefreshLogEntry } from "../../sandbox/auth";
import { createPrng } from "../../sandbox/prng";
import type { InventoryLevelRecord, ShopStateSnapshot } from "../../sandbox/index";
import { mswServer } from "../setup/msw";
import { clusterServicesPresent, startCluster, until, type Cluster } from "./cluster";

const SHOP = "tokens-cluster.myshopify.com";
const SKUS = 12;
const SAFETY_UNITS = 3;
const TTL_S = 5;
const AHEAD_S = 1;
const STREAM_MS = 60_000;
const POLICY = { version: 1, protection: [{ kind: "safety_stock", units: SAFETY_UNITS }], channels: [] };

const servicesPresent = await clusterServicesPresent("tests/scale-out/expiring-tokens-cluster.test.ts");

type Quantities = InventoryLevelRecord["quantities"];

/** docs/policy.md § 1. */
function policySafetyStock(q: Quantities): number {
  return Math.min(SAFETY_UNITS, Math.max(0, q.on_hand - q.committed - q.reserved - q.damaged - q.quality_control));
}
const wrongLevels = (state: ShopStateSnapshot) => state.inventoryLevels.filter((level) => level.isActive && level.quantities.safety_stock !== policySafetyStock(level.quantities));

interface TokenRecord {
  refreshes: number;
  unauthorized: number;
  log: RefreshLogEntry[];
}

describe.skipIf(!servicesPresent)("expiring tokens in a cluster: 2 web processes, 2 workers, PostgreSQL + BullMQ", () => {
  let cluster: Cluster;
  const tokens = async () => (await (await fetch(`${cluster.emulatorUrl}/sandbox/tokens?shop=${SHOP}`)).json()) as TokenRecord;

  beforeAll(async () => {
    mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    cluster = await startCluster({
      web: 2,
      workers: 2,
      shop: SHOP,
      variants: SKUS,
      maxAvailable: 40,
      throttle: { bucketSize: 2000, restoreRate: 100 },
      policy: POLICY,
      redeliverEvery: 5,
      adminLatencyMs: 50,
      expiringToken: true,
      emulatorEnv: { SANDBOX_TOKEN_TTL_S: String(TTL_S) },
      workerEnv: { WORKER_CONCURRENCY: "2", WORKER_POLL_INTERVAL_MS: "100", TOKEN_REFRESH_AHEAD_S: String(AHEAD_S) },
    });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it("keeps every level at its policy value through several expiries, with one refresh per expiry and no 401", async () => {
    await cluster.seed();
    await until("policy applied", cluster, async () => wrongLevels(await cluster.state()).length === 0, 60_000);
    const state = await cluster.state();
    const variants = state.variants.slice(0, SKUS);
    const startedAt = Date.now();

    const random = createPrng(7);
    let placed = 0;
    let dropped = false;
    while (Date.now() - startedAt < STREAM_MS) {
      const variantId = variants[Math.floor(SKUS * random())]!.id;
      if ((await cluster.placeOrder([{ variantId, quantity: 1 }], { ignorePolicy: placed % 2 === 1 })).ok) placed++;
      if (!dropped && Date.now() - startedAt > STREAM_MS / 2) {
        // Halfway: Shopify processes the next refresh and its answer never comes back.
        await fetch(`${cluster.emulatorUrl}/sandbox/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ dropRefreshResponses: 1 }) });
        dropped = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const streamS = (Date.now() - startedAt) / 1000;

    await until("every level at its policy value and the queue drained", cluster, async () => {
      const counts = await cluster.queueCounts();
      return counts.pending === 0 && counts.active.length === 0 && wrongLevels(await cluster.state()).length === 0;
    }, 90_000);

    const record = await tokens();
    const counts = await cluster.queueCounts();
    expect(placed).toBeGreaterThan(100);
    expect(counts.dead).toBe(0);
    expect(record.unauthorized).toBe(0);
    // The lost answer was recovered with the same refresh token, once.
    const lost = record.log.filter((entry) => entry.dropped);
    expect(lost).toHaveLength(1);
    const retries = record.log.filter((entry) => entry.retry);
    expect(retries.map((entry) => entry.presented)).toEqual([lost[0]!.presented]);
    expect(record.log.every((entry) => entry.outcome === "issued")).toBe(true);
    // Per shop, not per process: each refresh token redeemed once (but the retried one), and no
    // more refreshes than token lifetimes since the seed's exchange.
    const presented = record.log.map((entry) => entry.presented);
    expect(new Set(presented).size).toBe(presented.length - 1);
    expect(record.refreshes).toBeGreaterThanOrEqual(Math.floor(streamS / TTL_S / 2));
    const elapsedS = (Date.now() - startedAt) / 1000 + 60;
    expect(record.refreshes - 1).toBeLessThanOrEqual(Math.ceil(elapsedS / (TTL_S - AHEAD_S)));
  }, 240_000);
});
