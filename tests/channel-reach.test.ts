import { describe, expect, it } from "vitest";
import { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import type { Policy } from "~/domain";
import { publishPolicy } from "~/services/policy.server";
import { publishEmulatorEvent, type LocationRecord } from "../sandbox";
import { startHarness, type Harness } from "./support/harness";
import { locationOf, variantOf } from "./support/scenarios";

const SHOP = "channel-reach.myshopify.com";

/** The channel numbers Safestock published on a variant's metafield. */
function publishedAts(harness: Harness, sku: string): Record<string, { available: number }> {
  const variant = variantOf(harness, SHOP, sku);
  const metafield = harness.sandbox
    .shop(SHOP)
    .snapshot()
    .metafields.find((m) => m.ownerId === variant.id && m.key === "channels" && m.namespace === "safestock");
  return (JSON.parse(metafield!.value) as { channels: Record<string, { available: number }> }).channels;
}

/**
 * Soho store starts fulfilling online orders, and Shopify says so with locations/update. The
 * emulator has no `locationEdit` yet, so the test edits its state and sends the event it would send.
 */
function startFulfillingOnline(harness: Harness, name: string) {
  const location = locationOf(harness, SHOP, name);
  const live = (harness.sandbox.shop(SHOP) as unknown as { state: { locations: Map<string, LocationRecord> } }).state.locations.get(location.id)!;
  live.fulfillsOnlineOrders = true;
  publishEmulatorEvent(harness.sandbox.dispatcher, SHOP, { type: "location.updated", at: new Date().toISOString(), location: { ...live } });
}

const POLICY: Policy = { version: 1, protection: [], channels: [{ channel: "marketplace", tier: 2, allocationPercent: 50 }] };

describe("channel pools in the running app", () => {
  it("counts only locations that fulfil online orders, refuses a rule naming a store, and re-plans on locations/update", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();
    expect(await publishPolicy(SHOP, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();

    // RING-6: Warehouse 12 (fulfils online orders), Soho store 2, Brooklyn store 0 (sandbox seed).
    expect(publishedAts(harness, "RING-6")).toMatchObject({
      online_store: { available: 12 },
      marketplace: { available: 6 }, // 50% of 12, not of 14
      point_of_sale: { available: 14 },
    });
    const stored = await prisma.channelState.findFirstOrThrow({
      where: { shop: SHOP, channel: "marketplace", inventoryItemId: variantOf(harness, SHOP, "RING-6").inventoryItemId },
    });
    expect(JSON.parse(stored.explain)[0].reason).toBe("pool 12 at Warehouse; Brooklyn store and Soho store do not fulfil online orders");

    // Naming a store the marketplace's orders cannot reach is refused with the reason, at publish time.
    const refused = await publishPolicy(SHOP, { ...POLICY, channels: [{ channel: "marketplace", locations: ["Warehouse", "Soho store"] }] }, { createdBy: "test" });
    expect(refused).toEqual({
      ok: false,
      problems: [{ path: "channels[0].locations[1]", message: "Soho store does not fulfil online orders, so marketplace orders can never be filled from it" }],
    });

    startFulfillingOnline(harness, "Soho store");
    await harness.settle();
    expect((await prisma.catalogLocation.findFirstOrThrow({ where: { shop: SHOP, name: "Soho store" } })).fulfillsOnlineOrders).toBe(true);
    expect(publishedAts(harness, "RING-6")).toMatchObject({ online_store: { available: 14 }, marketplace: { available: 7 } });
  });

  it("imported safety stock becomes policy v1 and lives nowhere else", async () => {
    const shop = "import-reach.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    harness.sandbox.install(shop);
    const move = await harness.gql(
      `mutation Move($input: InventoryMoveQuantitiesInput!, $key: String!) {
        inventoryMoveQuantities(input: $input) @idempotent(key: $key) { userErrors { field message code } }
      }`,
      {
        key: "merchant-safety-stock",
        input: {
          reason: "safety_stock",
          referenceDocumentUri: "https://merchant.example/counts/1",
          changes: [
            {
              inventoryItemId: variantOf(harness, shop, "NECK-16").inventoryItemId,
              quantity: 3,
              from: { locationId: locationOf(harness, shop, "Warehouse").id, name: "available", changeFromQuantity: 20 },
              to: { locationId: locationOf(harness, shop, "Warehouse").id, name: "safety_stock", changeFromQuantity: 0, ledgerDocumentUri: "https://merchant.example/counts/1" },
            },
          ],
        },
      },
      shop,
    );
    expect(move.data.inventoryMoveQuantities.userErrors).toEqual([]);
    await harness.openApp(shop);
    await harness.settle();

    const versions = await prisma.policyVersion.findMany({ where: { shop } });
    expect(versions.map((v) => [v.version, v.createdBy, JSON.parse(v.document)])).toEqual([
      [1, "import", { version: 1, protection: [{ kind: "safety_stock", units: 3, sku: "NECK-16", location: "Warehouse" }], channels: [] }],
    ]);
    // The first plan reproduces what the merchant had.
    const level = harness.sandbox
      .shop(shop)
      .snapshot()
      .inventoryLevels.find((l) => l.inventoryItemId === variantOf(harness, shop, "NECK-16").inventoryItemId && l.locationId === locationOf(harness, shop, "Warehouse").id)!;
    expect(level.quantities).toMatchObject({ safety_stock: 3, available: 17 });
    // No second copy: the floor table is gone.
    // (The schema has no such model on either database; the migration drift test keeps them equal.)
    expect(Object.values(Prisma.ModelName)).not.toContain("ManualFloor");
  });
});
