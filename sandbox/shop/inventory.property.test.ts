/**
 * Property: whatever sequence of set/adjust/move/orderCreate/orderCancel an app sends, every
 * level keeps on_hand = available + committed + reserved + damaged + safety_stock +
 * quality_control, no state other than available (and on_hand, which follows it) goes
 * negative, and committed equals the open orders' claimed unfulfilled units.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADJUST_MUTATION, MOVE_MUTATION, ORDER_CANCEL, ORDER_CREATE, SET_MUTATION, testShop } from "../admin-api/test-helpers.js";
import { identityHolds } from "./inventory.js";

/**
 * A fixed seed: every run replays the same traffic, so the floors below are facts about that
 * traffic, not luck. fast-check prints the seed and the shrunk path of any failure; hunt with
 * others by running with INVENTORY_PROPERTY_SEED=<n> (the floors may then need to be relaxed).
 */
const SEED = process.env.INVENTORY_PROPERTY_SEED ? Number(process.env.INVENTORY_PROPERTY_SEED) : 20261206;

const STATES = ["available", "damaged", "incoming", "quality_control", "reserved", "safety_stock"] as const;

type Cmd =
  | { kind: "set"; item: number; loc: number; quantity: number; name: "available" | "on_hand"; cas: boolean }
  | { kind: "adjust"; item: number; loc: number; delta: number; name: (typeof STATES)[number] }
  | { kind: "move"; item: number; loc: number; quantity: number; from: (typeof STATES)[number]; to: (typeof STATES)[number] }
  | { kind: "order"; item: number; quantity: number; behaviour: "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY" | "BYPASS" }
  | { kind: "cancel"; order: number; restock: boolean };

const idx = fc.integer({ min: 0, max: 2 });
const loc = fc.integer({ min: 0, max: 1 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), item: idx, loc, quantity: fc.integer({ min: -20, max: 60 }), name: fc.constantFrom("available" as const, "on_hand" as const), cas: fc.boolean() }),
  fc.record({ kind: fc.constant("adjust" as const), item: idx, loc, delta: fc.integer({ min: -15, max: 15 }), name: fc.constantFrom(...STATES) }),
  fc.record({ kind: fc.constant("move" as const), item: idx, loc, quantity: fc.integer({ min: 0, max: 15 }), from: fc.constantFrom(...STATES), to: fc.constantFrom(...STATES) }),
  fc.record({ kind: fc.constant("order" as const), item: idx, quantity: fc.integer({ min: 1, max: 12 }), behaviour: fc.constantFrom("DECREMENT_IGNORING_POLICY" as const, "DECREMENT_OBEYING_POLICY" as const, "BYPASS" as const) }),
  fc.record({ kind: fc.constant("cancel" as const), order: fc.integer({ min: 0, max: 10 }), restock: fc.boolean() }),
);

describe("inventory invariants under random API traffic", () => {
  it("identity, non-negative states and committed = open claimed units", async () => {
    let levelUpdates = 0;
    let ordersPlaced = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 25 }), async (cmds) => {
        const t = testShop({ seed: { variants: 3, locations: 2, seed: 7, maxAvailable: 10 } });
        const items = [...t.shop.state.inventoryItems.values()];
        const variants = [...t.shop.state.variants.values()];
        const locs = [...t.shop.state.locations.keys()];
        const orders: string[] = [];
        t.shop.onEvent((e) => {
          if (e.type === "inventory_level.updated") levelUpdates++;
          if (e.type === "order.created") ordersPlaced++;
        });
        let n = 0;
        for (const c of cmds) {
          const key = `k${n++}`;
          const ledger = (name: string) => (name === "available" ? null : "safestock://test/1");
          if (c.kind === "set") {
            const level = t.shop.state.levels.get(`${items[c.item]!.id}|${locs[c.loc]}`)!;
            await t.gql(SET_MUTATION, { key, input: { name: c.name, reason: "correction", quantities: [{ inventoryItemId: items[c.item]!.id, locationId: locs[c.loc], quantity: c.quantity, changeFromQuantity: c.cas ? level.quantities[c.name] : null }] } });
          } else if (c.kind === "adjust") {
            await t.gql(ADJUST_MUTATION, { key, input: { name: c.name, reason: "correction", changes: [{ inventoryItemId: items[c.item]!.id, locationId: locs[c.loc], delta: c.delta, changeFromQuantity: null, ledgerDocumentUri: ledger(c.name) }] } });
          } else if (c.kind === "move") {
            await t.gql(MOVE_MUTATION, {
              key,
              input: { reason: "movement_created", referenceDocumentUri: "safestock://test/ref", changes: [{ inventoryItemId: items[c.item]!.id, quantity: c.quantity, from: { locationId: locs[c.loc], name: c.from, changeFromQuantity: null, ledgerDocumentUri: ledger(c.from) }, to: { locationId: locs[c.loc], name: c.to, changeFromQuantity: null, ledgerDocumentUri: ledger(c.to) } }] },
            });
          } else if (c.kind === "order") {
            const res = await t.gql(ORDER_CREATE, { order: { sourceName: "web", lineItems: [{ variantId: variants[c.item]!.id, quantity: c.quantity }] }, options: { inventoryBehaviour: c.behaviour } });
            if (res.data.orderCreate.order) orders.push(res.data.orderCreate.order.id);
          } else if (orders.length) {
            await t.gql(ORDER_CANCEL, { orderId: orders[c.order % orders.length], restock: c.restock });
          }
          for (const level of t.shop.state.levels.values()) {
            expect(identityHolds(level)).toBe(true);
            for (const name of ["committed", "reserved", "damaged", "safety_stock", "quality_control", "incoming"] as const) {
              expect(level.quantities[name]).toBeGreaterThanOrEqual(0);
            }
          }
          for (const level of t.shop.state.levels.values()) {
            let open = 0;
            for (const o of t.shop.state.orders.values()) {
              for (const l of o.lineItems) if (l.inventoryClaimed && l.inventoryItemId === level.inventoryItemId && l.locationId === level.locationId) open += l.fulfillableQuantity;
            }
            expect(level.quantities.committed).toBe(open);
          }
        }
      }),
      { numRuns: 50, seed: SEED },
    );
    // The traffic really changed stock (not only rejected requests): with the fixed seed this
    // run applies 113 level updates and places 42 orders (2026-12-06). The floors leave room for
    // a change in the emulator's rules, not for luck: the traffic is the same every run.
    expect(levelUpdates).toBeGreaterThanOrEqual(100);
    expect(ordersPlaced).toBeGreaterThanOrEqual(30);
  });
});
