import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Policy } from "~/domain";
import { publishPolicy } from "~/services/policy.server";
import { startHarness } from "./support/harness";
import { placeOrder, variantOf } from "./support/scenarios";

const SHOP = "velocity.myshopify.com";

describe("velocity buffers size themselves from sales and measured lag", () => {
  it("orders raise the buffer of a selling SKU; an idle SKU keeps none", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();
    // A big risk factor so that even a short measured lag asks for whole units.
    const policy: Policy = { version: 1, protection: [{ kind: "velocity_buffer", riskFactor: 500, maxUnits: 4, tag: "bestseller" }], channels: [] };
    expect(await publishPolicy(SHOP, policy, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const bufferOf = async (sku: string) => {
      const item = variantOf(harness, SHOP, sku).inventoryItemId;
      const levels = await prisma.levelState.findMany({ where: { shop: SHOP, inventoryItemId: item } });
      return levels.reduce((sum, level) => sum + level.protected, 0);
    };
    // No sales yet: nothing to buffer.
    expect(await bufferOf("SHIRT-M")).toBe(0);

    for (let index = 0; index < 6; index++) await placeOrder(harness, SHOP, "SHIRT-M", 1, "web");
    await harness.settle();

    // The sales and the lag were measured...
    expect(await prisma.saleEvent.aggregate({ where: { shop: SHOP }, _sum: { quantity: true } })).toMatchObject({ _sum: { quantity: 6 } });
    expect(await prisma.lagSample.count({ where: { shop: SHOP, kind: "receive" } })).toBeGreaterThan(0);
    expect(await prisma.lagSample.count({ where: { shop: SHOP, kind: "write" } })).toBeGreaterThan(0);
    // ...and the selling SKU now holds a buffer, explained in the merchant's words.
    expect(await bufferOf("SHIRT-M")).toBeGreaterThan(0);
    const explained = await prisma.levelState.findMany({ where: { shop: SHOP, inventoryItemId: variantOf(harness, SHOP, "SHIRT-M").inventoryItemId } });
    expect(explained.some((level) => level.explain.includes("buffer for sales during the"))).toBe(true);
    // A bestseller with no sales keeps none.
    expect(await bufferOf("SHIRT-L")).toBe(0);
  });
});
