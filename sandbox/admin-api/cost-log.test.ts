import { describe, expect, it } from "vitest";
import { SET_MUTATION, testShop } from "./test-helpers.js";

const setInput = (inventoryItemId: string, locationId: string, quantity: number, changeFromQuantity: number) => ({
  name: "available",
  reason: "correction",
  referenceDocumentUri: "logistics://safestock/plan/1",
  quantities: [{ inventoryItemId, locationId, quantity, changeFromQuantity }],
});

describe("cost log", () => {
  it("records costs, the bucket before and after, and each key's outcome with what it applied", async () => {
    const t = testShop({ throttle: { bucketSize: 100, restoreRate: 10 } });
    const ring7 = t.variantBySku("RING-7");
    const wh = t.location("Warehouse");
    const vars = { key: "k1", input: setInput(ring7.itemId, wh, 11, 8) };
    await t.gql(SET_MUTATION, vars);
    await t.gql(SET_MUTATION, vars); // replay: nothing applied again
    const [first, second] = t.shop.costLog();
    expect(first).toMatchObject({ seq: 1, apiClientId: "sandbox-api-key", operation: "Set", mutation: true, bucketBefore: 100, throttled: false, maximumAvailable: 100, restoreRate: 10 });
    // The manual clock does not move: the bucket loses exactly the actual cost.
    expect(first!.actualQueryCost).toBeGreaterThan(0);
    expect(first!.bucketAfter).toBe(100 - first!.actualQueryCost!);
    expect(first!.idempotent).toEqual([
      { field: "inventorySetQuantities", idempotencyKey: "k1", outcome: "applied", userErrorCodes: [], changes: [{ inventoryItemId: ring7.itemId, locationId: wh, name: "available", delta: 3 }, { inventoryItemId: ring7.itemId, locationId: wh, name: "on_hand", delta: 3 }] },
    ]);
    expect(first!.levels).toEqual([{ inventoryItemId: ring7.itemId, locationId: wh, quantities: expect.objectContaining({ available: 11, on_hand: 11 }) }]);
    expect(second).toMatchObject({ seq: 2, bucketBefore: first!.bucketAfter, bucketAfter: first!.bucketAfter - second!.actualQueryCost!, levels: [] });
    expect(second!.idempotent).toEqual([{ field: "inventorySetQuantities", idempotencyKey: "k1", outcome: "replayed", userErrorCodes: [], changes: [] }]);
  });

  it("logs a THROTTLED answer with the bucket untouched, per app", async () => {
    const t = testShop({ throttle: { bucketSize: 15, restoreRate: 1 } });
    const other = t.shop.registerApiClient({ apiClientId: "other-app", scopes: ["read_locations"] });
    const query = `query Locations { locations(first: 10) { nodes { id } } }`;
    for (let i = 0; i < 15; i++) await t.gql(query);
    await t.shop.graphql({ query }, other.accessToken);
    const mine = t.shop.costLog({ apiClientId: "sandbox-api-key" });
    // Fifteen requests into a bucket of 15 that does not refill (manual clock): each answered one
    // spends at least a point, so some ask for more than is left and are refused without spending.
    const refused = mine.filter((e) => e.throttled);
    expect(refused.length).toBeGreaterThan(0);
    for (const entry of refused) {
      expect(entry).toMatchObject({ actualQueryCost: null, bucketAfter: entry.bucketBefore });
      expect(entry.requestedQueryCost!).toBeGreaterThan(entry.bucketBefore);
    }
    // The other app has its own bucket: full, not throttled.
    expect(t.shop.costLog({ apiClientId: "other-app" })).toMatchObject([{ seq: 16, throttled: false, bucketBefore: 15 }]);
    expect(t.shop.costLog({ since: 14 }).map((e) => e.seq)).toEqual([15, 16]);
  });
});
