import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../../sandbox";
import { sandboxWithClient } from "../../tests/support/sandbox-client";
import type { AdminClient, CostExtension } from "./admin-client.server";
import { readCatalogInBulk } from "./bulk-catalog.server";
import { forEachCatalogBatch, readInventoryItems, type ShopifyItem } from "./inventory.server";

const LOCATIONS = 30;
/** Pages of 10 levels: the first with the item, then two follow-ups for each item. */
const paging = { levelsPerPage: 10 };

let sandbox: Sandbox | undefined;
afterEach(() => {
  sandbox?.close();
  sandbox = undefined;
});

/** A shop whose every item is stocked at 30 locations, and a client that records each request's cost. */
function setup() {
  const made = sandboxWithClient({ variants: 6, locations: LOCATIONS, seed: 7 });
  sandbox = made.sandbox;
  const inner = made.client;
  const calls: { operation: string; cost: CostExtension | null }[] = [];
  const client: AdminClient = {
    shop: inner.shop,
    async request(operation, query, variables) {
      const result = await inner.request(operation, query, variables);
      calls.push({ operation, cost: result.cost });
      return result as never;
    },
  };
  return { sandbox: made.sandbox, client, calls };
}

/** What the emulated shop holds, per item: location name → available (the truth a read must match). */
function shopTruth(state: ReturnType<Sandbox["shop"]>) {
  const snapshot = state.snapshot();
  const names = new Map(snapshot.locations.map((location) => [location.id, location.name]));
  const truth = new Map<string, Map<string, number>>();
  for (const level of snapshot.inventoryLevels) {
    const byLocation = truth.get(level.inventoryItemId) ?? new Map<string, number>();
    byLocation.set(names.get(level.locationId)!, level.quantities.available);
    truth.set(level.inventoryItemId, byLocation);
  }
  return truth;
}

const levelsOf = (item: ShopifyItem) => new Map(item.levels.map((level) => [level.locationName, level.quantities.available]));

describe("every location of an item is read before planning", () => {
  it("an item at 30 locations is read whole by id, by page and in bulk", async () => {
    const { sandbox: shop, client, calls } = setup();
    const truth = shopTruth(shop.shop());
    const ids = [...truth.keys()];
    expect(ids.length).toBe(6);
    for (const levels of truth.values()) expect(levels.size).toBe(LOCATIONS);
    const byId = await readInventoryItems(client, ids, paging);
    expect(byId.map((item) => item.inventoryItemId).sort()).toEqual([...ids].sort());
    for (const item of byId) expect(levelsOf(item)).toEqual(truth.get(item.inventoryItemId));
    // Two follow-up pages per item complete it (30 = 10 + 10 + 10), each well under the 1,000-point query limit.
    const followUps = calls.filter((call) => call.operation === "SafestockItemMoreLevels");
    expect(followUps.length).toBe(12);
    for (const call of followUps) expect(call.cost!.requestedQueryCost).toBeLessThan(1_000);

    const paged: ShopifyItem[] = [];
    await forEachCatalogBatch(client, async (batch) => void paged.push(...batch), { forceMode: "paged", ...paging });
    for (const item of paged) expect(levelsOf(item)).toEqual(truth.get(item.inventoryItemId));
    expect(paged.length).toBe(6);

    const bulk = await readCatalogInBulk(client, { sleep: async () => {} });
    for (const item of bulk) expect(levelsOf(item)).toEqual(truth.get(item.inventoryItemId));
    expect(bulk.length).toBe(6);
  });
});
