import { describe, expect, it } from "vitest";
import { channelMetafieldValue, chunk, parseChannelMetafieldValue, planSafetyStockMoves, type LevelTarget } from "./inventory-writes";

const level = (overrides: Partial<LevelTarget>): LevelTarget => ({
  inventoryItemId: "gid://shopify/InventoryItem/1",
  locationId: "gid://shopify/Location/1",
  sku: "RING-7",
  location: "Soho",
  available: 8,
  safetyStock: 0,
  targetSafetyStock: 0,
  ...overrides,
});

describe("planSafetyStockMoves", () => {
  it("moves available → safety_stock to protect more, with the read quantities as compare-and-swap", () => {
    const [move] = planSafetyStockMoves([level({ available: 8, safetyStock: 0, targetSafetyStock: 2 })]);
    expect(move).toMatchObject({
      quantity: 2,
      from: { name: "available", changeFromQuantity: 8 },
      to: { name: "safety_stock", changeFromQuantity: 0 },
    });
  });

  it("moves safety_stock → available to release units", () => {
    const [move] = planSafetyStockMoves([level({ available: 3, safetyStock: 5, targetSafetyStock: 1 })]);
    expect(move).toMatchObject({
      quantity: 4,
      from: { name: "safety_stock", changeFromQuantity: 5 },
      to: { name: "available", changeFromQuantity: 3 },
    });
  });

  it("writes nothing when Shopify already matches the plan (convergence)", () => {
    expect(planSafetyStockMoves([level({ safetyStock: 2, targetSafetyStock: 2 })])).toEqual([]);
  });
});

describe("channel metafield value", () => {
  it("serialises equal numbers to equal text regardless of channel order", () => {
    const a = channelMetafieldValue({ wholesale: { available: 0, paused: true }, online_store: { available: 4, paused: false } });
    const b = channelMetafieldValue({ online_store: { available: 4, paused: false }, wholesale: { available: 0, paused: true } });
    expect(a).toBe(b);
    expect(parseChannelMetafieldValue(a)).toEqual({ online_store: { available: 4, paused: false }, wholesale: { available: 0, paused: true } });
    expect(parseChannelMetafieldValue("not json")).toBeNull();
  });

  it("chunks lists for the 250-entry limit", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
