/**
 * A marketplace reserve that sizes itself (docs/policy.md § 4 "A reserve that sizes itself",
 * docs/decisions/032), published against the emulated shop: the marketplace's own recorded sales
 * size the reserve, Shopify's `safety_stock` holds it, and the marketplace's number in the
 * merchant-owned `safestock.channels` metafield (what its connector reads) is exactly the reserve;
 * Preview shows the same figure and reason before anything is written.
 */
import { describe, expect, it } from "vitest";
import { savePolicyDraft } from "~/models/policy-draft.server";
import { storedChannelStates } from "~/models/sync-state.server";
import { recordSales, withSalesSinceListed } from "~/models/telemetry.server";
import type { Policy } from "~/domain";
import { loadPreview, startPreview } from "~/services/policy-preview.server";
import { publishPolicy } from "~/services/policy.server";
import { startHarness, type Harness } from "./support/harness";
import { locationOf, variantOf } from "./support/scenarios";

const SHOP = "self-sizing-reserve.myshopify.com";

function publishedChannels(harness: Harness, sku: string): Record<string, { available: number }> {
  const variant = variantOf(harness, SHOP, sku);
  const metafield = harness.sandbox
    .shop(SHOP)
    .snapshot()
    .metafields.find((m) => m.ownerId === variant.id && m.key === "channels" && m.namespace === "safestock");
  return (JSON.parse(metafield!.value) as { channels: Record<string, { available: number }> }).channels;
}

function warehouseLevel(harness: Harness, sku: string) {
  const item = variantOf(harness, SHOP, sku).inventoryItemId;
  const warehouse = locationOf(harness, SHOP, "Warehouse").id;
  return harness.sandbox.shop(SHOP).snapshot().inventoryLevels.find((level) => level.inventoryItemId === item && level.locationId === warehouse)!;
}

const POLICY: Policy = {
  version: 1,
  protection: [],
  channels: [
    {
      channel: "marketplace",
      tier: 2,
      refreshSeconds: 900,
      ringFenceSizing: "measured",
      ringFenceUnits: 15,
      ringFenceMinUnits: 2,
      fixedUnits: 0,
    },
  ],
};

describe("a self-sizing marketplace reserve in the running app", () => {
  it("keeps back what the marketplace sells between two reads, in safety_stock, and publishes it as the marketplace's number", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();
    const ring = variantOf(harness, SHOP, "RING-6");
    // The app's records: 24 units of RING-6 sold on the marketplace, the first 55 minutes ago
    // (inside the hour the rate is measured over); none of NECK-16 on the marketplace.
    const firstSale = Date.now() - 55 * 60_000;
    await recordSales(
      SHOP,
      [0, 1, 2, 3].map((i) => ({
        orderId: `gid://shopify/Order/9${i}`,
        lineItemId: `gid://shopify/LineItem/9${i}`,
        inventoryItemId: ring.inventoryItemId,
        sku: "RING-6",
        channel: "marketplace",
        quantity: 6,
        occurredAt: new Date(firstSale + i * 10 * 60_000),
      })),
    );

    // Preview first, with the same measured inputs: the marketplace goes from sharing RING-6's pool of
    // 12 at the Warehouse to its reserve of 7, and the reason names the figures it was sized from.
    await savePolicyDraft(SHOP, { document: POLICY, basedOnVersion: null, updatedBy: "test" });
    const started = await startPreview(SHOP, { source: "draft" }, { createdBy: "test" });
    expect(started).toMatchObject({ ok: true, queued: false });
    const preview = await loadPreview(SHOP, (started as { id: string }).id, { sku: "RING-6" });
    const marketplace = preview!.drillDown!.changes.find((change) => change.where === "marketplace")!;
    expect(marketplace).toMatchObject({ before: 12, after: 7 });
    expect(marketplace.reasonsAfter.join(" ")).toMatch(/7 units ring-fenced for marketplace: other channels cannot sell them; marketplace sells 26 per hour and reads your stock every 15 min; .* it can sell (6\.\d|7) before it sees a new number: 7 kept back/);

    expect(await publishPolicy(SHOP, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();

    // RING-6: 24 units over ~55 min = 0.436/min; × (900 s + the measured lag) / 60 = 6.5 → 7 for any lag
    // from 0 to a minute (0.436 × 16 = 6.98), within [2, 15]. Warehouse 12 (sandbox seed): safety_stock 7,
    // available 5; the marketplace lists exactly its 7, the web store the other 5.
    expect(warehouseLevel(harness, "RING-6").quantities).toMatchObject({ safety_stock: 7, available: 5 });
    expect(publishedChannels(harness, "RING-6")).toMatchObject({ marketplace: { available: 7 }, online_store: { available: 5 } });
    // NECK-16: no marketplace sales → the minimum, 2.
    expect(warehouseLevel(harness, "NECK-16").quantities.safety_stock).toBe(2);
    expect(publishedChannels(harness, "NECK-16")).toMatchObject({ marketplace: { available: 2 } });
    // What it listed is recorded with the number, so a later, smaller sizing is held at 7 until the
    // marketplace has read the smaller number (docs/decisions/032 "Held at its peak").
    const [state] = (await storedChannelStates(SHOP, [ring.inventoryItemId])).filter((row) => row.channel === "marketplace");
    expect(JSON.parse(state!.reserveHistory)).toEqual([{ units: 7, publishedAtMs: expect.any(Number) }]);
  });

  it("counts what the marketplace sold since the listing in force was published, and since each replaced listing's successor could be read", async () => {
    const shop = "sold-since-listed.myshopify.com";
    const at = Date.parse("2026-12-06T10:00:00Z");
    const sale = (n: number, item: string, channel: string, quantity: number, offsetMs: number) => ({
      orderId: `gid://shopify/Order/7${n}`,
      lineItemId: `gid://shopify/LineItem/7${n}`,
      inventoryItemId: item,
      sku: null,
      channel,
      quantity,
      occurredAt: new Date(at + offsetMs),
    });
    // Item A listed 4 (from −60 s) then 2 (from 0): the marketplace sold 3 before 0 (the old listing's), then 1 + 2
    // after it; the web store's 5 after 0 are not the marketplace's. Item B listed 6 from −10 s and sold 6 then.
    await recordSales(shop, [
      sale(1, "A", "marketplace", 3, -30_000),
      sale(2, "A", "marketplace", 1, 1_000),
      sale(3, "A", "marketplace", 2, 5_000),
      sale(4, "A", "online_store", 5, 2_000),
      sale(5, "B", "marketplace", 6, -5_000),
    ]);
    const reserves = new Map([
      ["A", { marketplace: [{ units: 4, publishedAtMs: at - 60_000 }, { units: 2, publishedAtMs: at }] }],
      ["B", { marketplace: [{ units: 6, publishedAtMs: at - 10_000 }] }],
    ]);
    // Sync lag 3 s (0.05 min): the 2 could be read from +3 s.
    const annotated = await withSalesSinceListed(shop, reserves, 0.05);
    // A: 1 + 2 = 3 since the 2 was published; the replaced 4: 2 sold since +3 s (the 1 at +1 s came
    // before the 2 could be read, perhaps from a copy of the 4, so it does not count). B: 6.
    expect(annotated.get("A")).toEqual({ marketplace: [{ units: 4, publishedAtMs: at - 60_000, soldSinceReplaced: 2 }, { units: 2, publishedAtMs: at, soldSince: 3 }] });
    expect(annotated.get("B")).toEqual({ marketplace: [{ units: 6, publishedAtMs: at - 10_000, soldSince: 6 }] });
  });
});
