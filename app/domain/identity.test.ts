/**
 * Identity (docs/decisions/020): variants sharing a SKU, or with none, are each planned on their own
 * stock; a rule scoped to a SKU applies to each of them. Expectations are computed by hand in the
 * comments next to them.
 */
import { describe, expect, it } from "vitest";
import { compiled, level } from "./__fixtures__/builders";
import { compilePolicy } from "./compile-policy";
import { planAvailability } from "./plan";
import type { ChannelRule, Level, ProtectionRule, Snapshot } from "./types";
import { validateSnapshot } from "./validate-snapshot";
import { planInventoryWrites, type ReadItem } from "./write-plan";

const NOW = "2026-12-06T12:00:00Z";

/** A level of inventory item `item` carrying `sku` (possibly "" or shared). */
function at(item: string, sku: string, location: string, quantities: Partial<Omit<Level, "sku" | "location" | "item">>): Level {
  return { ...level(sku, location, quantities), item };
}

function plan(protection: readonly ProtectionRule[], channels: readonly ChannelRule[], snap: Omit<Snapshot, "syncLagMinutes">) {
  return planAvailability(compiled(protection, channels), { syncLagMinutes: 5, ...snap }, { now: NOW });
}

const levelsOf = (p: ReturnType<typeof plan>) => p.levels.map((l) => [l.item, l.sku, l.location, l.base, l.protected, l.available]);
const channelsOf = (p: ReturnType<typeof plan>) => p.channels.map((c) => [c.item, c.channel, c.pool, c.available]);

describe("variants sharing a SKU", () => {
  // Twins A and B both carry TEE. A: Warehouse 10 on hand, 2 committed (base 8); Soho 3. B: Warehouse 1; Soho 0.
  const twins = [
    at("gid-A", "TEE", "Warehouse", { onHand: 10, committed: 2 }),
    at("gid-A", "TEE", "Soho", { onHand: 3 }),
    at("gid-B", "TEE", "Warehouse", { onHand: 1 }),
    at("gid-B", "TEE", "Soho", { onHand: 0 }),
  ];
  const rules: ProtectionRule[] = [
    { kind: "safety_stock", units: 1 },
    { kind: "safety_stock", units: 2, sku: "TEE" },
    { kind: "display", units: 1, location: "Soho", sku: "TEE" },
  ];
  const channels: ChannelRule[] = [
    { channel: "online_store", allocationPercent: 50 },
    { channel: "marketplace", networkMinimum: 1 },
  ];

  it("protects each twin from its own stock with the SKU's rules", () => {
    const p = plan(rules, channels, { levels: twins });
    expect(levelsOf(p)).toEqual([
      // A Warehouse: the SKU rule (2) beats the global 1 → 8 − 2 = 6.
      ["gid-A", "TEE", "Warehouse", 8, 2, 6],
      // A Soho: 1 on display, then min(2, 2 left) safety → 3 protected, 0 left.
      ["gid-A", "TEE", "Soho", 3, 3, 0],
      // B Warehouse: the SKU rule asks 2, only 1 there → 1 protected, 0 left (never A's units).
      ["gid-B", "TEE", "Warehouse", 1, 1, 0],
      ["gid-B", "TEE", "Soho", 0, 0, 0],
    ]);
  });

  it("gives each twin channel numbers from its own pool", () => {
    const p = plan(rules, channels, { levels: twins });
    expect(channelsOf(p)).toEqual([
      // A: pool 6 + 0; 50% of 6 = 3; marketplace 6 − network minimum 1 = 5.
      ["gid-A", "online_store", 6, 3],
      ["gid-A", "marketplace", 6, 5],
      // B: nothing left to sell anywhere.
      ["gid-B", "online_store", 0, 0],
      ["gid-B", "marketplace", 0, 0],
    ]);
  });

  it("plans the same whatever order the twins' levels come in", () => {
    const shuffled = [twins[2]!, twins[0]!, twins[3]!, twins[1]!];
    const p = plan(rules, channels, { levels: shuffled });
    expect(levelsOf(p)).toEqual([
      ["gid-B", "TEE", "Warehouse", 1, 1, 0],
      ["gid-B", "TEE", "Soho", 0, 0, 0],
      ["gid-A", "TEE", "Warehouse", 8, 2, 6],
      ["gid-A", "TEE", "Soho", 3, 3, 0],
    ]);
  });

  it("lowers only the held twin's other channels for a hold", () => {
    // A hold of 2 units of A on the online store: A's marketplace 6 − 1 minimum − 2 held = 3; B untouched.
    const p = plan(rules, channels, {
      levels: twins.map((l) => ({ ...l, onHand: l.location === "Warehouse" && l.item === "gid-B" ? 9 : l.onHand })),
      holds: [{ item: "gid-A", sku: "TEE", channel: "online_store", units: 2, expiresAt: "2026-12-06T12:10:00Z" }],
    });
    // B Warehouse now 9 on hand: 9 − 2 = 7; B's marketplace 7 − 1 = 6, no hold line.
    expect(channelsOf(p)).toEqual([
      ["gid-A", "online_store", 6, 3],
      ["gid-A", "marketplace", 6, 3],
      ["gid-B", "online_store", 7, 3],
      ["gid-B", "marketplace", 7, 6],
    ]);
    expect(p.channels.filter((c) => c.explain.some((line) => line.rule === "hold")).map((c) => [c.item, c.channel])).toEqual([["gid-A", "marketplace"]]);
  });

  it("quarantines the SKU's units on each twin, from each twin's own stock", () => {
    // Quarantine 4 of TEE: A (Soho 3, Warehouse 8, by name) → 3 at Soho + 1 at Warehouse; B has 1 → 1.
    const p = plan([{ kind: "quarantine", skus: ["TEE"], units: 4 }], [], { levels: twins });
    expect(levelsOf(p)).toEqual([
      ["gid-A", "TEE", "Warehouse", 8, 1, 7],
      ["gid-A", "TEE", "Soho", 3, 3, 0],
      ["gid-B", "TEE", "Warehouse", 1, 1, 0],
      ["gid-B", "TEE", "Soho", 0, 0, 0],
    ]);
  });

  it("sizes a velocity buffer from each twin's own sales", () => {
    // Rate × 5 min lag × risk 1: A sells 1 a minute → 5; B sells none → 0.
    const p = plan([{ kind: "velocity_buffer", sku: "TEE" }], [], {
      levels: [twins[0]!, twins[2]!],
      items: [
        { item: "gid-A", sku: "TEE", unitsPerMinute: 1 },
        { item: "gid-B", sku: "TEE", unitsPerMinute: 0 },
      ],
    });
    expect(levelsOf(p)).toEqual([
      ["gid-A", "TEE", "Warehouse", 8, 5, 3],
      ["gid-B", "TEE", "Warehouse", 1, 0, 1],
    ]);
  });
});

describe("variants without a SKU", () => {
  it("are protected by global, location and tag rules, each on its own stock", () => {
    const p = plan(
      [
        { kind: "safety_stock", units: 1 },
        { kind: "safety_stock", units: 2, location: "Soho" },
        { kind: "safety_stock", units: 3, tag: "sale" },
      ],
      [{ channel: "online_store" }],
      {
        levels: [at("gid-X", "", "Warehouse", { onHand: 5 }), at("gid-Y", "", "Warehouse", { onHand: 4 }), at("gid-Y", "", "Soho", { onHand: 4 })],
        items: [
          { item: "gid-X", sku: "", tags: ["sale"] },
          { item: "gid-Y", sku: "" },
        ],
      },
    );
    expect(levelsOf(p)).toEqual([
      // X is tagged sale: 3 → 5 − 3 = 2.
      ["gid-X", "", "Warehouse", 5, 3, 2],
      // Y: the global 1 at Warehouse, the Soho rule 2 at Soho.
      ["gid-Y", "", "Warehouse", 4, 1, 3],
      ["gid-Y", "", "Soho", 4, 2, 2],
    ]);
    expect(channelsOf(p)).toEqual([
      ["gid-X", "online_store", 2, 2],
      ["gid-Y", "online_store", 5, 5],
    ]);
  });
});

describe("snapshot identity", () => {
  const quantities = { onHand: 1, committed: 0, reserved: 0, damaged: 0, qualityControl: 0, incoming: 0 };
  const problems = (levels: unknown[], extra: object = {}) => {
    const result = validateSnapshot({ syncLagMinutes: 1, levels, ...extra });
    return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
  };

  it("accepts twins and blank SKUs when levels name their item", () => {
    expect(
      problems([
        { item: "a", sku: "TEE", location: "X", ...quantities },
        { item: "b", sku: "TEE", location: "X", ...quantities },
        { item: "c", sku: "", location: "X", ...quantities },
      ], { items: [{ item: "c", sku: "" }], holds: [{ item: "a", sku: "TEE", channel: "web", units: 1, expiresAt: NOW }] }),
    ).toEqual([]);
  });

  it("falls back to the SKU as identity without items, so a SKU twice at one location is refused", () => {
    expect(problems([{ sku: "TEE", location: "X", ...quantities }, { sku: "TEE", location: "X", ...quantities }])).toEqual(["levels[1]: TEE at X appears twice"]);
    expect(problems([{ sku: "", location: "X", ...quantities }])).toEqual(['levels[0].sku: must be a non-empty string, got ""']);
  });

  it("refuses an item whose levels disagree on its SKU", () => {
    expect(problems([{ item: "a", sku: "TEE", location: "X", ...quantities }, { item: "a", sku: "TOP", location: "Y", ...quantities }])).toEqual([
      'levels[1].sku: item a has SKU "TEE" at another level',
    ]);
  });
});

describe("writes for twins", () => {
  it("moves each twin's own safety stock and publishes each twin's own numbers", () => {
    // Twins at Warehouse: A 8 available, B 1; safety stock 2 for TEE → A moves 2 (6 left), B moves 1 (0 left).
    const snapshot: Snapshot = {
      syncLagMinutes: 1,
      levels: [at("item-A", "TEE", "Warehouse", { onHand: 8 }), at("item-B", "TEE", "Warehouse", { onHand: 1 })],
      channels: ["online_store"],
    };
    const read = (id: string, available: number): ReadItem => ({
      inventoryItemId: id,
      sku: "TEE",
      variantId: `variant-${id}`,
      channelMetafield: null,
      levels: [{ locationId: "loc-1", locationName: "Warehouse", locationActive: true, quantities: { available, safety_stock: 0, on_hand: available } }],
    });
    const writes = planInventoryWrites({
      policy: compilePolicy({ version: 1, protection: [{ kind: "safety_stock", units: 2, sku: "TEE" }], channels: [] }),
      snapshot,
      items: [read("item-A", 8), read("item-B", 1)],
      now: NOW,
      freeze: null,
    });
    expect(writes.moves.map((m) => [m.inventoryItemId, m.quantity, m.safetyStockAfter])).toEqual([
      ["item-A", 2, 2],
      ["item-B", 1, 1],
    ]);
    expect(writes.metafields.map((m) => [m.variantId, JSON.parse(m.value)])).toEqual([
      ["variant-item-A", { channels: { online_store: { available: 6, paused: false } } }],
      ["variant-item-B", { channels: { online_store: { available: 0, paused: false } } }],
    ]);
    expect(writes.channelStates.map((c) => [c.inventoryItemId, c.available])).toEqual([
      ["item-A", 6],
      ["item-B", 0],
    ]);
  });
});
