/**
 * A bulk read is not a snapshot (SHOPIFY-FACTS.md "Rate limits"; the emulator reads a bulk query
 * over time, sandbox/admin-api/resolvers/bulk.ts): the initial sync of a 2,000-variant shop reads
 * the catalog twice with bulk operations while bursts of orders land on the hottest items. Every
 * time the emulated shop stores a channel number, the marketplace's number is checked against
 * what its pool holds in the shop at that moment (an invariant, not the engine's answer); after
 * the pipeline settles, every level and number agrees with the reference model (tests/model).
 * docs/decisions/026-bulk-reads-are-not-snapshots.md.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { insertPolicyVersion } from "~/models/policy.server";
import { runInitialSync } from "~/services/initial-sync.server";
import type { SandboxShopEmulator } from "../sandbox/admin-api/emulator";
import { driftFromModel } from "./model/shop-drift";
import { policyDocument, type ModelPolicy } from "./model/reference-model";
import { startHarness, storeOfflineSession } from "./support/harness";

const SHOP = "bulk-race.myshopify.com";
/** The generated catalog's seed and the hot items' positions in the read order: fixed, printed. */
const CATALOG_SEED = 20261206;
const VARIANTS = 2000;
const HOT_POSITIONS = Array.from({ length: 12 }, (_, i) => 150 * (i + 1));
/**
 * Safety stock only at the stores, none at the Warehouse, and no channel rule: the marketplace
 * sells the whole Warehouse pool, so any sale it has not accounted for shows. The stores' moves
 * carry compare-and-swap values orders never touch (orders route to the Warehouse).
 */
const MODEL: ModelPolicy = { global: 1, atLocation: { location: "Warehouse", units: 0 } };

interface Violation {
  sku: string;
  published: number;
  pool: number;
}

/**
 * Checks, each time the shop's state changes, every channel metafield whose value changed (so:
 * at each number the app writes) against the shop's own inventory at that moment.
 */
function watchMarketplaceNumbers(shop: SandboxShopEmulator) {
  const seen = new Map<string, string>();
  const violations: Violation[] = [];
  let checked = 0;
  shop.onChange((change) => {
    if (change !== "state") return;
    const { state } = shop;
    const online = [...state.locations.values()].filter((location) => location.isActive && location.fulfillsOnlineOrders);
    for (const metafield of state.metafields.values()) {
      if (metafield.namespace !== "safestock" || metafield.key !== "channels" || seen.get(metafield.id) === metafield.value) continue;
      seen.set(metafield.id, metafield.value);
      const marketplace = (JSON.parse(metafield.value) as { channels: Record<string, { available: number }> }).channels.marketplace;
      if (!marketplace) continue;
      checked++;
      const item = state.variants.get(metafield.ownerId)!.inventoryItemId;
      const pool = online.reduce((sum, location) => sum + Math.max(0, state.levels.get(`${item}|${location.id}`)?.quantities.available ?? 0), 0);
      if (marketplace.available > pool) violations.push({ sku: state.inventoryItems.get(item)!.sku, published: marketplace.available, pool });
    }
  });
  return { violations, checked: () => checked };
}

describe("a bulk read during a burst of orders", () => {
  it("never publishes a marketplace number above its pool, and ends at the policy", { timeout: 180_000 }, async () => {
    console.log(`bulk-read race: catalog seed ${CATALOG_SEED}, ${VARIANTS} variants, hot items at read positions ${HOT_POSITIONS.join(", ")}`);
    // 1,000 objects a second of the shop's clock: each read of ~10,000 objects spans about ten polls.
    const harness = startHarness({ shops: [SHOP], seed: { variants: VARIANTS, catalog: "plain", seed: CATALOG_SEED }, bulkObjectsPerSecond: 1000 });
    harness.sandbox.install(SHOP);
    await storeOfflineSession(harness.sandbox, SHOP);
    await prisma.shopInstallation.create({ data: { shop: SHOP } });
    await insertPolicyVersion(SHOP, policyDocument(MODEL), "test", null);

    const emulator = harness.sandbox.shop(SHOP) as SandboxShopEmulator;
    const watch = watchMarketplaceNumbers(emulator);
    // A bulk query reads inventory items in id order: the hot items are spread along the run.
    const items = [...emulator.state.inventoryItems.values()].sort((a, b) => (BigInt(a.legacyId) < BigInt(b.legacyId) ? -1 : 1));
    const hot = HOT_POSITIONS.map((position) => items[position]!.variantId);

    // Each wait between polls moves the shop's clock on (the read goes on meanwhile) and lands a
    // burst: two units of every hot item, sold online (routed to the Warehouse).
    let lastPoll = { status: "", objectCount: "0" };
    const burstsDuringRuns: string[] = [];
    let sold = 0;
    const sleep = async (ms: number) => {
      harness.sandbox.setClock(new Date(harness.sandbox.clock.now().getTime() + ms));
      if (lastPoll.status === "RUNNING") burstsDuringRuns.push(lastPoll.objectCount);
      for (const variantId of hot) {
        const result = await harness.sandbox.placeOrder({ lineItems: [{ variantId, quantity: 2 }], sourceName: "web" }, SHOP);
        if ((result.body as { data?: { orderCreate?: { order?: unknown } } }).data?.orderCreate?.order) sold += 2;
      }
    };
    const result = await runInitialSync(SHOP, {
      readMode: "bulk",
      bulk: { pollIntervalMs: 100, sleep, onPoll: (op) => void (lastPoll = { status: op.status, objectCount: String(op.objectCount) }) },
    });
    await harness.settle();

    console.log(
      `bulk-read race: ${burstsDuringRuns.length} bursts during bulk runs (objects read so far: ${burstsDuringRuns.join(", ")}), ${sold} units sold, ` +
        `${watch.checked()} marketplace numbers checked as written, ${watch.violations.length} above their pool`,
    );
    expect(result.readMode).toBe("bulk");
    // The race happened: bursts landed while a bulk read was part-way through the catalog.
    expect(burstsDuringRuns.filter((count) => Number(count) > 0).length).toBeGreaterThanOrEqual(2);
    expect(sold).toBeGreaterThan(0);
    expect(watch.checked()).toBeGreaterThanOrEqual(VARIANTS);
    expect(watch.violations).toEqual([]);
    expect(driftFromModel(emulator.snapshot(), MODEL)).toEqual([]);
  });
});
