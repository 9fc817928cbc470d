/**
 * The shop survives a restart: exported, written as JSON, read back and restored, it is the same
 * shop (records, tokens, apps) and keeps working as one (indexes still share the records).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN } from "../contract.js";
import { createShopEmulator } from "../admin-api/emulator.js";
import { createManualClock } from "./clock.js";
import { decodeGraph, encodeGraph, readPersistedSandbox, writePersistedSandbox } from "./persistence.js";

const dir = mkdtempSync(path.join(tmpdir(), "safestock-shop-persist-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ADJUST = `mutation($input: InventoryAdjustQuantitiesInput!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: "persist-1") { userErrors { message } } }`;

describe("generic codec", () => {
  it("round-trips Maps, Sets, Dates, undefined and non-finite numbers, keeping shared objects shared", () => {
    const record = { id: "a", n: 1 };
    const list = [record];
    const value = { byId: new Map([["a", record]]), byKey: new Map([["k", list]]), names: new Set(["x"]), at: new Date("2026-11-30T00:00:00Z"), none: undefined, inf: Infinity, $weird: 1, list };
    const back = decodeGraph(JSON.parse(JSON.stringify(encodeGraph(value)))) as typeof value;
    expect(back).toEqual(value);
    expect(back.byId.get("a")).toBe(back.byKey.get("k")![0]);
    expect(back.byKey.get("k")).toBe(back.list);
    expect("none" in back).toBe(true);
  });

  it("refuses class instances instead of silently dropping their behaviour", () => {
    class Thing {
      x = 1;
    }
    expect(() => encodeGraph({ deep: { thing: new Thing() } })).toThrow(/Thing instance at state\.deep\.thing/);
  });
});

describe("export → file → restore", () => {
  it("restores the same shop, tokens and apps, and the restored shop keeps working", async () => {
    const clock = createManualClock();
    const first = createShopEmulator({ clock });
    first.grantAccessToken("shpat_app", ["read_inventory", "write_inventory", "read_products"]);
    const connector = first.registerApiClient({ apiClientId: "connector", scopes: ["read_products"], throttle: { bucketSize: 50, restoreRate: 5 } });
    const file = path.join(dir, "dev.sqlite.sandbox-shop.json");
    writePersistedSandbox(file, { [first.domain]: first.exportState() }, clock.now().toISOString());

    const kept = readPersistedSandbox(file);
    expect(kept?.shops[first.domain]).toBeDefined();
    const second = createShopEmulator({ clock, restore: kept!.shops[first.domain] });
    expect(second.snapshot()).toEqual(first.snapshot());
    expect(second.scopesOf("shpat_app")).toEqual(["read_inventory", "write_inventory", "read_products"]);
    expect(second.apiClientOf(connector.accessToken)).toBe("connector");
    expect(second.throttleStatus("connector")).toEqual({ maximumAvailable: 50, currentlyAvailable: 50, restoreRate: 5 });
    expect((await second.graphql({ query: "{ shop { name } }" }, "unknown")).status).toBe(401);

    // A write through the restored shop lands on the one level record every index points at.
    const level = second.snapshot().inventoryLevels.find((l) => l.quantities.available > 0)!;
    const res = await second.graphql(
      {
        query: ADJUST,
        variables: { input: { name: "available", reason: "correction", changes: [{ inventoryItemId: level.inventoryItemId, locationId: level.locationId, delta: -1, changeFromQuantity: level.quantities.available }] } },
      },
      "shpat_app",
    );
    expect((res.body as { data: unknown }).data).toEqual({ inventoryAdjustQuantities: { userErrors: [] } });
    const read = await second.graphql({ query: `query($id: ID!) { inventoryLevel(id: $id) { quantities(names: ["available"]) { quantity } } }`, variables: { id: level.id } }, "shpat_app");
    expect((read.body as { data: { inventoryLevel: { quantities: { quantity: number }[] } } }).data.inventoryLevel.quantities[0]!.quantity).toBe(level.quantities.available - 1);
    const variant = second.snapshot().variants.find((v) => v.inventoryItemId === level.inventoryItemId)!;
    // variant.inventoryQuantity reads the same record (levelsByItem) the adjustment changed.
    const v = await second.graphql({ query: `query($id: ID!) { productVariant(id: $id) { inventoryQuantity } }`, variables: { id: variant.id } }, SANDBOX_ADMIN_TOKEN);
    // The pre-install admin token was kept with the rest of the tokens.
    expect((v.body as { data: { productVariant: { inventoryQuantity: number } } }).data.productVariant.inventoryQuantity).toBe(
      second.snapshot().inventoryLevels.filter((l) => l.inventoryItemId === level.inventoryItemId && l.isActive).reduce((sum, l) => sum + l.quantities.available, 0),
    );
  });

  it("new ids continue after the restored ones", async () => {
    const clock = createManualClock();
    const first = createShopEmulator({ clock });
    const second = createShopEmulator({ clock, restore: JSON.parse(JSON.stringify(first.exportState())) });
    const variant = second.snapshot().variants[0]!;
    const res = await second.graphql(
      { query: `mutation($o: OrderCreateOrderInput!) { orderCreate(order: $o) { order { id } } }`, variables: { o: { lineItems: [{ variantId: variant.id, quantity: 1 }] } } },
      SANDBOX_ADMIN_TOKEN,
    );
    const id = (res.body as { data: { orderCreate: { order: { id: string } } } }).data.orderCreate.order.id;
    expect(first.snapshot().orders.map((o) => o.id)).not.toContain(id);
    expect(second.snapshot().orders.map((o) => o.id)).toEqual([id]);
  });
});
