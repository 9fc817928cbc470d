import { describe, expect, it } from "vitest";
import { ADJUST_MUTATION, MOVE_MUTATION, SET_MUTATION, testShop } from "../test-helpers.js";
import { MSG } from "./inventory.js";

function setup() {
  const t = testShop();
  const ring7 = t.variantBySku("RING-7");
  const wh = t.location("Warehouse");
  const soho = t.location("Soho store");
  return { ...t, ring7, wh, soho };
}

const setInput = (rows: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  name: "available",
  reason: "correction",
  referenceDocumentUri: "logistics://safestock/plan/1",
  quantities: rows,
  ...extra,
});

describe("inventorySetQuantities", () => {
  it("sets available with CAS: available row then on_hand row, quantityAfterChange null, one event per level", async () => {
    const t = setup();
    const before = t.level("RING-7", "Warehouse");
    const res = await t.gql(SET_MUTATION, {
      key: "k1",
      input: setInput([
        { inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 20, changeFromQuantity: before.available },
        { inventoryItemId: t.ring7.itemId, locationId: t.soho, quantity: 0, changeFromQuantity: 3 },
      ]),
    });
    const p = res.data.inventorySetQuantities;
    expect(p.userErrors).toEqual([]);
    expect(p.inventoryAdjustmentGroup.changes.map((c: { name: string; delta: number }) => [c.name, c.delta])).toEqual([
      ["available", 20 - before.available],
      ["available", -3],
      ["on_hand", 20 - before.available],
      ["on_hand", -3],
    ]);
    expect(p.inventoryAdjustmentGroup.changes.every((c: { quantityAfterChange: unknown }) => c.quantityAfterChange === null)).toBe(true);
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available: 20, on_hand: 20 });
    expect(t.level("RING-7", "Soho store")).toMatchObject({ available: 0, on_hand: 0 });
    const updates = t.events.filter((e) => e.type === "inventory_level.updated");
    expect(updates).toHaveLength(2);
    expect(res.extensions.cost).toMatchObject({ requestedQueryCost: 13, actualQueryCost: 13 });
  });

  it("name on_hand changes available and on_hand by the same delta; on_hand may not be negative", async () => {
    const t = setup();
    const res = await t.gql(SET_MUTATION, { key: "k", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 10, changeFromQuantity: 8 }], { name: "on_hand" }) });
    expect(res.data.inventorySetQuantities.inventoryAdjustmentGroup.changes.map((c: { name: string; delta: number }) => [c.name, c.delta])).toEqual([["available", 2], ["on_hand", 2]]);
    const neg = await t.gql(SET_MUTATION, { key: "k2", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: -5, changeFromQuantity: null }], { name: "on_hand" }) });
    expect(neg.data.inventorySetQuantities.userErrors).toEqual([{ field: ["input", "quantities", "0", "quantity"], message: "The quantity can't be negative.", code: "INVALID_QUANTITY_NEGATIVE" }]);
  });

  it("accepts a negative available (on_hand follows)", async () => {
    const t = setup();
    await t.gql(SET_MUTATION, { key: "k", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: -5, changeFromQuantity: 8 }]) });
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available: -5, on_hand: -5 });
  });

  it("stale changeFromQuantity → CHANGE_FROM_QUANTITY_STALE, group null, nothing applied, cost 10", async () => {
    const t = setup();
    const res = await t.gql(SET_MUTATION, { key: "k", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 1, changeFromQuantity: 7 }]) });
    expect(res.data.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ field: ["input", "quantities", "0", "changeFromQuantity"], message: "The changeFromQuantity value does not match persisted value.", code: "CHANGE_FROM_QUANTITY_STALE" }],
    });
    expect(t.level("RING-7", "Warehouse").available).toBe(8);
    expect(res.extensions.cost.actualQueryCost).toBe(10);
    expect(t.events).toHaveLength(0);
  });

  it("explicit null changeFromQuantity skips the compare-and-swap", async () => {
    const t = setup();
    const res = await t.gql(SET_MUTATION, { key: "k", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 3, changeFromQuantity: null }]) });
    expect(res.data.inventorySetQuantities.userErrors).toEqual([]);
    expect(t.level("RING-7", "Warehouse").available).toBe(3);
  });

  it("missing changeFromQuantity → top-level INVALID_FIELD_ARGUMENTS, checked before @idempotent", async () => {
    const t = setup();
    const res = await t.gql(
      `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { field message code } } }`,
      { input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 3 }]) },
    );
    expect(res.data).toEqual({ inventorySetQuantities: null });
    expect(res.errors).toEqual([
      expect.objectContaining({ message: "InventoryQuantityInput must include the following argument: changeFromQuantity.", path: ["inventorySetQuantities"], extensions: { code: "INVALID_FIELD_ARGUMENTS" } }),
    ]);
    expect(res.extensions.cost.actualQueryCost).toBe(10);
    expect(t.level("RING-7", "Warehouse").available).toBe(8);
  });

  it("missing @idempotent → BAD_REQUEST with data null and cost 10", async () => {
    const t = setup();
    const res = await t.gql(
      `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id changes { name item { id } location { id } } } userErrors { field message code } } }`,
      { input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 3, changeFromQuantity: 8 }]) },
    );
    expect(res.data).toEqual({ inventorySetQuantities: null });
    expect(res.errors[0]).toMatchObject({
      message: "The @idempotent directive is required for this mutation but was not provided.",
      path: ["inventorySetQuantities"],
      extensions: { code: "BAD_REQUEST" },
    });
    expect(res.extensions.cost).toMatchObject({ requestedQueryCost: 13, actualQueryCost: 10 });
    expect(t.level("RING-7", "Warehouse").available).toBe(8);
  });

  it("@idempotent without key is a validation error", async () => {
    const t = setup();
    const res = await t.gql(`mutation { inventorySetQuantities(input: {name: "available", reason: "correction", quantities: []}) @idempotent { userErrors { message } } }`);
    expect(res.errors[0]).toMatchObject({ message: "Directive 'idempotent' is missing required arguments: key", extensions: { code: "missingRequiredArguments" } });
    expect(res.data).toBeUndefined();
  });

  it("replays a repeated key with identical input: same result, applied once, no second event", async () => {
    const t = setup();
    const vars = { key: "same", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 11, changeFromQuantity: 8 }]) };
    const a = await t.gql(SET_MUTATION, vars);
    const b = await t.gql(SET_MUTATION, vars);
    expect(b.data).toEqual(a.data);
    expect(t.level("RING-7", "Warehouse").available).toBe(11);
    expect(t.events.filter((e) => e.type === "inventory_level.updated")).toHaveLength(1);
  });

  it("same key with different input → IDEMPOTENCY_KEY_PARAMETER_MISMATCH and nothing runs", async () => {
    const t = setup();
    await t.gql(SET_MUTATION, { key: "dup", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 11, changeFromQuantity: 8 }]) });
    const res = await t.gql(SET_MUTATION, { key: "dup", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 12, changeFromQuantity: 11 }]) });
    expect(res.data.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ field: null, code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", message: "The same idempotency key cannot be used with different operation parameters." }],
    });
    expect(t.level("RING-7", "Warehouse").available).toBe(11);
  });

  // Recorded shape: airhorns/shopify-draft-proxy fixtures/conformance/harry-test-heelo.myshopify.com/2026-04/
  // media/media-file-create-batch-size-limit.json — `errors` only (no `data`), actualQueryCost null.
  it("more than 250 entries → MAX_INPUT_SIZE_EXCEEDED with errors only, nothing run (shopify.dev/docs/api/usage/limits)", async () => {
    const t = setup();
    const rows = Array.from({ length: 251 }, () => ({ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 1, changeFromQuantity: null }));
    const res = await t.gql(SET_MUTATION, { key: "big", input: setInput(rows) });
    expect("data" in res).toBe(false);
    expect(res.extensions.cost).toMatchObject({ actualQueryCost: null });
    expect(res.extensions.cost.requestedQueryCost).toBeGreaterThan(0);
    expect(t.events).toEqual([]);
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0].locations).toHaveLength(1);
    expect(res.errors[0]).toMatchObject({
      message: "The input array size of 251 is greater than the maximum allowed of 250.",
      path: ["inventorySetQuantities", "input", "quantities"],
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
  });

  it("validates reason, name, ids, duplicates and bounds with the captured messages", async () => {
    const t = setup();
    const reason = await t.gql(SET_MUTATION, { key: "r", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 1, changeFromQuantity: 8 }], { reason: "because" }) });
    expect(reason.data.inventorySetQuantities.userErrors).toEqual([{ field: ["input", "reason"], message: MSG.reason, code: "INVALID_REASON" }]);
    expect(MSG.reason).toBe(
      "The specified reason is invalid. Valid values are: correction, cycle_count_available, damaged, movement_canceled, movement_created, movement_received, movement_updated, other, promotion, quality_control, received, reservation_created, reservation_deleted, reservation_updated, restock, safety_stock, shrinkage.",
    );
    const name = await t.gql(SET_MUTATION, { key: "n", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 1, changeFromQuantity: 8 }], { name: "damaged" }) });
    expect(name.data.inventorySetQuantities.userErrors).toEqual([{ field: ["input", "name"], message: "The quantity name must be either 'available' or 'on_hand'.", code: "INVALID_NAME" }]);
    const ids = await t.gql(SET_MUTATION, { key: "i", input: setInput([{ inventoryItemId: "gid://shopify/InventoryItem/999999999999", locationId: "gid://shopify/Location/999999999999", quantity: 1, changeFromQuantity: 0 }]) });
    expect(ids.data.inventorySetQuantities.userErrors).toEqual([
      { field: ["input", "quantities", "0", "inventoryItemId"], message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" },
      { field: ["input", "quantities", "0", "locationId"], message: "The specified location could not be found.", code: "INVALID_LOCATION" },
    ]);
    const dup = await t.gql(SET_MUTATION, { key: "d", input: setInput([0, 1].map(() => ({ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 1, changeFromQuantity: 8 }))) });
    expect(dup.data.inventorySetQuantities.userErrors.map((e: { field: string[]; code: string }) => [e.field.join("."), e.code])).toEqual([
      ["input.quantities.0.locationId", "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"],
      ["input.quantities.1.locationId", "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"],
    ]);
    const high = await t.gql(SET_MUTATION, { key: "h", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 1_000_000_001, changeFromQuantity: 8 }]) });
    expect(high.data.inventorySetQuantities.userErrors[0]).toMatchObject({ message: "The quantity can't be higher than 1,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
    expect(t.level("RING-7", "Warehouse").available).toBe(8);
    expect(t.events).toHaveLength(0);
  });

  it("setting the current value is a no-op: group null, no userErrors", async () => {
    const t = setup();
    const res = await t.gql(SET_MUTATION, { key: "noop", input: setInput([{ inventoryItemId: t.ring7.itemId, locationId: t.wh, quantity: 8, changeFromQuantity: 8 }]) });
    expect(res.data.inventorySetQuantities).toEqual({ inventoryAdjustmentGroup: null, userErrors: [] });
    expect(t.events).toHaveLength(0);
  });

  it("rejects the removed ignoreCompareQuantity as INVALID_VARIABLE with no data and no cost", async () => {
    const t = setup();
    const res = await t.gql(SET_MUTATION, { key: "v", input: { ...setInput([]), ignoreCompareQuantity: true } });
    expect(res.data).toBeUndefined();
    expect(res.extensions).toBeUndefined();
    expect(res.errors[0].message).toBe(
      "Variable $input of type InventorySetQuantitiesInput! was provided invalid value for ignoreCompareQuantity (Field is not defined on InventorySetQuantitiesInput)",
    );
    expect(res.errors[0].extensions).toMatchObject({ code: "INVALID_VARIABLE", problems: [{ path: ["ignoreCompareQuantity"], explanation: "Field is not defined on InventorySetQuantitiesInput" }] });
  });
});

describe("inventoryAdjustQuantities", () => {
  const adjust = (name: string, changes: Record<string, unknown>[]) => ({ name, reason: "correction", referenceDocumentUri: "logistics://x/1", changes });

  it("available +2 mirrors on_hand; damaged echoes the ledger and moves on_hand; incoming is one row", async () => {
    const t = setup();
    const a = await t.gql(ADJUST_MUTATION, { key: "a", input: adjust("available", [{ inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: 2, changeFromQuantity: 8 }]) });
    expect(a.data.inventoryAdjustQuantities.inventoryAdjustmentGroup.changes.map((c: { name: string; delta: number; ledgerDocumentUri: string | null }) => [c.name, c.delta, c.ledgerDocumentUri])).toEqual([
      ["available", 2, null],
      ["on_hand", 2, null],
    ]);
    const d = await t.gql(ADJUST_MUTATION, { key: "d", input: adjust("damaged", [{ inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: 3, changeFromQuantity: 0, ledgerDocumentUri: "ledger://rma/1" }]) });
    expect(d.data.inventoryAdjustQuantities.inventoryAdjustmentGroup.changes.map((c: { name: string; delta: number; ledgerDocumentUri: string | null }) => [c.name, c.delta, c.ledgerDocumentUri])).toEqual([
      ["damaged", 3, "ledger://rma/1"],
      ["on_hand", 3, null],
    ]);
    const i = await t.gql(ADJUST_MUTATION, { key: "i", input: adjust("incoming", [{ inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: 6, changeFromQuantity: 0, ledgerDocumentUri: "https://po.example/6" }]) });
    expect(i.data.inventoryAdjustQuantities.inventoryAdjustmentGroup.changes.map((c: { name: string }) => c.name)).toEqual(["incoming"]);
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available: 10, damaged: 3, incoming: 6, on_hand: 13 });
  });

  it("ledger document rules", async () => {
    const t = setup();
    const row = (extra: Record<string, unknown>) => ({ inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: 1, changeFromQuantity: null, ...extra });
    const field = ["input", "changes", "0", "ledgerDocumentUri"];
    const missing = await t.gql(ADJUST_MUTATION, { key: "1", input: adjust("reserved", [row({})]) });
    expect(missing.data.inventoryAdjustQuantities.userErrors).toEqual([{ field, message: "A ledger document URI is required except when adjusting available.", code: "INVALID_QUANTITY_DOCUMENT" }]);
    const forAvailable = await t.gql(ADJUST_MUTATION, { key: "2", input: adjust("available", [row({ ledgerDocumentUri: "ledger://x" })]) });
    expect(forAvailable.data.inventoryAdjustQuantities.userErrors).toEqual([{ field, message: "A ledger document URI is not allowed when adjusting available.", code: "INVALID_AVAILABLE_DOCUMENT" }]);
    const internal = await t.gql(ADJUST_MUTATION, { key: "3", input: adjust("damaged", [row({ ledgerDocumentUri: "gid://shopify/Order/123" })]) });
    expect(internal.data.inventoryAdjustQuantities.userErrors).toEqual([{ field, message: "Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API.", code: "INTERNAL_LEDGER_DOCUMENT" }]);
    const two = await t.gql(ADJUST_MUTATION, {
      key: "4",
      input: adjust("damaged", [row({ ledgerDocumentUri: "ledger://a" }), { ...row({ ledgerDocumentUri: "ledger://b" }), locationId: t.soho }]),
    });
    expect(two.data.inventoryAdjustQuantities.userErrors).toEqual([
      { field: ["input", "changes"], message: "All changes must have the same ledger document URI or, in the case of adjusting available, no ledger document URI.", code: "MAX_ONE_LEDGER_DOCUMENT" },
    ]);
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ damaged: 0, reserved: 0, available: 8 });
  });

  it("rejects on_hand/committed names, stale CAS, and non-available states below zero", async () => {
    const t = setup();
    const bad = await t.gql(ADJUST_MUTATION, { key: "1", input: adjust("committed", [{ inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: 1, changeFromQuantity: 0 }]) });
    // Name and ledger errors come back together (docs/decisions/016 §1, 2025-01 capture).
    expect(bad.data.inventoryAdjustQuantities.userErrors).toEqual([
      { field: ["input", "name"], message: "The specified quantity name is invalid. Valid values are: available, damaged, incoming, quality_control, reserved, safety_stock.", code: "INVALID_QUANTITY_NAME" },
      { field: ["input", "changes", "0", "ledgerDocumentUri"], message: "A ledger document URI is required except when adjusting available.", code: "INVALID_QUANTITY_DOCUMENT" },
    ]);
    const stale = await t.gql(ADJUST_MUTATION, { key: "2", input: adjust("available", [{ inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: 1, changeFromQuantity: 5 }]) });
    expect(stale.data.inventoryAdjustQuantities.userErrors[0].code).toBe("CHANGE_FROM_QUANTITY_STALE");
    const below = await t.gql(ADJUST_MUTATION, { key: "3", input: adjust("safety_stock", [{ inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: -1, changeFromQuantity: 0, ledgerDocumentUri: "safestock://rule/1" }]) });
    expect(below.data.inventoryAdjustQuantities.userErrors[0]).toMatchObject({ code: "INVALID_QUANTITY_TOO_LOW", field: ["input", "changes", "0", "delta"] });
    const missing = await t.gql(
      `mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) { userErrors { message } } }`,
      { input: adjust("available", [{ inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: 1 }]) },
    );
    // no changeFromQuantity and no directive: only the argument error (§1 precedence)
    expect(missing.errors).toHaveLength(1);
    expect(missing.errors[0].message).toBe("InventoryChangeInput must include the following argument: changeFromQuantity.");
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available: 8, safety_stock: 0 });
  });

  it("zero deltas → group null; mixed rows list only the non-zero ones", async () => {
    const t = setup();
    const zero = await t.gql(ADJUST_MUTATION, { key: "z", input: adjust("available", [{ inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: 0, changeFromQuantity: 8 }]) });
    expect(zero.data.inventoryAdjustQuantities).toEqual({ inventoryAdjustmentGroup: null, userErrors: [] });
    const mixed = await t.gql(ADJUST_MUTATION, {
      key: "m",
      input: adjust("available", [
        { inventoryItemId: t.ring7.itemId, locationId: t.wh, delta: 0, changeFromQuantity: 8 },
        { inventoryItemId: t.ring7.itemId, locationId: t.soho, delta: 3, changeFromQuantity: 3 },
      ]),
    });
    expect(mixed.data.inventoryAdjustQuantities.inventoryAdjustmentGroup.changes.map((c: { name: string; delta: number; location: { id: string } }) => [c.name, c.delta, c.location.id])).toEqual([
      ["available", 3, t.soho],
      ["on_hand", 3, t.soho],
    ]);
  });
});

describe("inventoryMoveQuantities", () => {
  const move = (changes: Record<string, unknown>[]) => ({ reason: "safety_stock", referenceDocumentUri: "safestock://plan/7", changes });

  it("available → safety_stock: two rows, no on_hand row, on_hand unchanged", async () => {
    const t = setup();
    const res = await t.gql(MOVE_MUTATION, {
      key: "mv",
      input: move([{ inventoryItemId: t.ring7.itemId, quantity: 2, from: { locationId: t.wh, name: "available", changeFromQuantity: 8 }, to: { locationId: t.wh, name: "safety_stock", changeFromQuantity: 0, ledgerDocumentUri: "safestock://rule/1" } }]),
    });
    expect(res.data.inventoryMoveQuantities.inventoryAdjustmentGroup.changes.map((c: { name: string; delta: number; ledgerDocumentUri: string | null }) => [c.name, c.delta, c.ledgerDocumentUri])).toEqual([
      ["available", -2, null],
      ["safety_stock", 2, "safestock://rule/1"],
    ]);
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available: 6, safety_stock: 2, on_hand: 8 });
  });

  it("different locations, unknown locations, bad names, internal ledgers", async () => {
    const t = setup();
    const base = { inventoryItemId: t.ring7.itemId, quantity: 1 };
    const diff = await t.gql(MOVE_MUTATION, { key: "1", input: move([{ ...base, from: { locationId: t.wh, name: "available", changeFromQuantity: null }, to: { locationId: t.soho, name: "damaged", changeFromQuantity: null, ledgerDocumentUri: "ledger://1" } }]) });
    expect(diff.data.inventoryMoveQuantities.userErrors).toEqual([{ field: ["input", "changes", "0"], message: "The quantities can't be moved between different locations.", code: "DIFFERENT_LOCATIONS" }]);
    const unknown = "gid://shopify/Location/999999999999";
    const unk = await t.gql(MOVE_MUTATION, { key: "2", input: move([{ ...base, from: { locationId: unknown, name: "available", changeFromQuantity: null }, to: { locationId: unknown, name: "damaged", changeFromQuantity: null, ledgerDocumentUri: "ledger://1" } }]) });
    expect(unk.data.inventoryMoveQuantities.userErrors.map((e: { field: string[]; code: string }) => [e.field.join("."), e.code])).toEqual([
      ["input.changes.0.from.locationId", "INVALID_LOCATION"],
      ["input.changes.0.to.locationId", "INVALID_LOCATION"],
    ]);
    const name = await t.gql(MOVE_MUTATION, { key: "3", input: move([{ ...base, from: { locationId: t.wh, name: "on_hand", changeFromQuantity: null, ledgerDocumentUri: "ledger://1" }, to: { locationId: t.wh, name: "damaged", changeFromQuantity: null, ledgerDocumentUri: "ledger://1" } }]) });
    expect(name.data.inventoryMoveQuantities.userErrors).toEqual([
      { field: ["input", "changes", "0", "from", "name"], message: "The specified quantity name is invalid. Valid values are: available, damaged, incoming, quality_control, reserved, safety_stock.", code: "INVALID_QUANTITY_NAME" },
    ]);
    const internal = await t.gql(MOVE_MUTATION, { key: "4", input: move([{ ...base, from: { locationId: t.wh, name: "available", changeFromQuantity: null }, to: { locationId: t.wh, name: "damaged", changeFromQuantity: null, ledgerDocumentUri: "gid://shopify/Order/1" } }]) });
    expect(internal.data.inventoryMoveQuantities.userErrors[0]).toMatchObject({ field: ["input", "changes", "0", "to", "ledgerDocumentUri"], code: "INTERNAL_LEDGER_DOCUMENT" });
    const drain = await t.gql(MOVE_MUTATION, { key: "5", input: move([{ ...base, quantity: 1, from: { locationId: t.wh, name: "damaged", changeFromQuantity: 0, ledgerDocumentUri: "ledger://1" }, to: { locationId: t.wh, name: "available", changeFromQuantity: null } }]) });
    expect(drain.data.inventoryMoveQuantities.userErrors[0]).toMatchObject({ code: "INVALID_QUANTITY_NEGATIVE" });
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available: 8, damaged: 0, on_hand: 8 });
  });
});
