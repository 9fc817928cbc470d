import { describe, expect, it } from "vitest";
import { channelMetafieldValue, chunk, parseChannelMetafieldValue, planSafetyStockMoves, putBackChannelMetafieldValue, type LevelTarget } from "./inventory-writes";

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

describe("channel metafield value within Shopify's 128 KB json limit (shopify.dev/changelog/reduced-metafield-value-sizes)", () => {
  const channels = { checkout: { available: 5, paused: false }, online_store: { available: 7, paused: false } };
  const bytes = (text: string) => Buffer.byteLength(text, "utf8");

  it("a value over the limit drops listed hold keys (last in key order first) and keeps every unit held and every channel number", () => {
    // Hand-made: key "a" is small, "z…" alone is 140,000 bytes (over 131,072), so only it has to go.
    const holds = { held: 9, keys: { a: 2, ["z".repeat(140_000)]: 7 } };
    const value = channelMetafieldValue(channels, { holds });
    expect(bytes(value)).toBeLessThanOrEqual(128 * 1024);
    expect(JSON.parse(value)).toEqual({ channels, holds: { held: 9, keys: { a: 2 } } });
  });

  it("a value that fits is unchanged", () => {
    const holds = { held: 3, keys: { b: 1, a: 2 } };
    expect(channelMetafieldValue(channels, { holds })).toBe('{"channels":{"checkout":{"available":5,"paused":false},"online_store":{"available":7,"paused":false}},"holds":{"held":3,"keys":{"a":2,"b":1}}}');
  });

  it("channel numbers are never dropped: too many channels to fit is an error", () => {
    const many = Object.fromEntries(Array.from({ length: 4_000 }, (_, i) => [`channel-${"x".repeat(20)}-${i}`, { available: 1, paused: false }]));
    expect(() => channelMetafieldValue(many)).toThrow(/over Shopify's 131072/);
  });
});

describe("the value a withdrawn publication puts back (docs/decisions/039, 041 amended)", () => {
  const previous = '{"channels":{"marketplace":{"available":4,"paused":false},"online_store":{"available":0,"paused":false}},"holds":{"held":1,"keys":{"a":1}}}';

  it("a number the run lowered stays lowered: the fence shrank by the marketplace's own orders since", () => {
    const planned = '{"channels":{"marketplace":{"available":3,"paused":false},"online_store":{"available":0,"paused":false}}}';
    expect(putBackChannelMetafieldValue(previous, planned)).toBe('{"channels":{"marketplace":{"available":3,"paused":false},"online_store":{"available":0,"paused":false}},"holds":{"held":1,"keys":{"a":1}}}');
  });

  it("a number the run raised goes back to the old one, and the old value is kept as it was when nothing was lowered", () => {
    const planned = '{"channels":{"marketplace":{"available":5,"paused":false},"online_store":{"available":2,"paused":false}}}';
    expect(putBackChannelMetafieldValue(previous, planned)).toBe(previous);
  });

  it("paused if either was; channels only one side has are the old value's", () => {
    const planned = '{"channels":{"marketplace":{"available":6,"paused":true},"wholesale":{"available":0,"paused":false}}}';
    expect(putBackChannelMetafieldValue(previous, planned)).toBe('{"channels":{"marketplace":{"available":4,"paused":true},"online_store":{"available":0,"paused":false}},"holds":{"held":1,"keys":{"a":1}}}');
  });

  it("an unreadable value on either side: the old value", () => {
    expect(putBackChannelMetafieldValue(previous, "not json")).toBe(previous);
    expect(putBackChannelMetafieldValue("{}", '{"channels":{}}')).toBe("{}");
  });
});
