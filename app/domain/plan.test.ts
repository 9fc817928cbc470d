import { describe, expect, it } from "vitest";
import policyJson from "./__fixtures__/issue-example.policy.json";
import snapshotJson from "./__fixtures__/issue-example.snapshot.json";
import { compiled, level, snapshot } from "./__fixtures__/builders";
import { compilePolicy, shopFactsOf, planAvailability, checkPolicy, validateSnapshot } from "./index";
import type { Plan, Snapshot } from "./types";

function planIssueExample(now: string): Plan {
  const snap = validateSnapshot(snapshotJson);
  if (!snap.ok) throw new Error(JSON.stringify(snap.problems));
  const pol = checkPolicy(policyJson, shopFactsOf(snap.value, ["online_store", "marketplace", "wholesale"]));
  if (!pol.ok) throw new Error(JSON.stringify(pol.problems));
  return planAvailability(compilePolicy(pol.value), snap.value, { now });
}

describe("the worked example (__fixtures__/issue-example.*)", () => {
  const plan = planIssueExample("2026-11-23T13:00:00Z");

  // The example snapshot names no inventory items: each SKU is its own identity (docs/policy.md § Snapshot).
  it("protects 1 (SKU rule beats location × tag and the global default) + 1 on display at Soho", () => {
    expect(plan.levels).toEqual([
      {
        item: "RING-7", sku: "RING-7",
        location: "Soho",
        base: 8,
        protected: 2,
        available: 6,
        safetyStock: 2,
        qualityControl: 0,
        explain: [
          { rule: "display", scope: "SKU RING-7 at Soho", units: 1, reason: "1 on display at Soho" },
          { rule: "safety_stock", scope: "SKU RING-7", units: 1, reason: "1 safety stock for SKU RING-7" },
        ],
      },
      { item: "RING-7", sku: "RING-7", location: "Warehouse", base: 0, protected: 0, available: 0, safetyStock: 0, qualityControl: 0, explain: [] },
    ]);
  });

  it("gives the online store 4, pauses the marketplace at 0 and keeps wholesale at 0 for higher tiers", () => {
    expect(plan.channels).toEqual([
      {
        item: "RING-7", sku: "RING-7",
        channel: "online_store",
        pool: 6,
        available: 4,
        paused: false,
        explain: [
          {
            rule: "network_minimum",
            scope: "online_store",
            units: 2,
            reason: "last 2 units never shown on online_store (network minimum 2)",
          },
        ],
      },
      {
        item: "RING-7", sku: "RING-7",
        channel: "marketplace",
        pool: 6,
        available: 0,
        paused: true,
        explain: [
          { rule: "allocation_percent", scope: "marketplace", units: 3, reason: "marketplace gets 50% of pool 6 = 3" },
          { rule: "pause_below", scope: "marketplace", units: 3, reason: "paused: 3 left is under the threshold of 5" },
        ],
      },
      {
        item: "RING-7", sku: "RING-7",
        channel: "wholesale",
        pool: 6,
        available: 0,
        paused: false,
        explain: [{ rule: "tier_reserve", scope: "wholesale", units: 6, reason: "withheld for higher tiers: pool 6 < 20" }],
      },
    ]);
  });

  it("ignores the expired hold, and before expiry the hold still never lowers its own channel", () => {
    const before = planIssueExample("2026-11-23T11:00:00Z");
    expect(before.channels.find((c) => c.channel === "online_store")?.available).toBe(4);
    // Marketplace: pool 6 − 1 held for the online store = 5, then 50% of 6 = 3: the hold is absorbed by the allocation.
    expect(before.channels.find((c) => c.channel === "marketplace")?.explain.map((l) => l.rule)).toEqual([
      "hold",
      "allocation_percent",
      "pause_below",
    ]);
    expect(plan.channels.flatMap((c) => c.explain).some((l) => l.rule === "hold")).toBe(false);
  });
});

describe("planAvailability", () => {
  it("shares the whole pool with a channel that has no rule, and lowers it by other channels' holds", () => {
    const snap: Snapshot = snapshot([level("A", "X", { onHand: 10 }), level("A", "Y", { onHand: 5, damaged: 1 })], {
      channels: ["pos", "online_store"],
      holds: [{ sku: "A", channel: "online_store", units: 3, expiresAt: "2026-01-01T00:10:00Z" }],
    });
    const plan = planAvailability(compiled([]), snap, { now: "2026-01-01T00:00:00Z" });
    expect(plan.channels.map((c) => [c.channel, c.pool, c.available])).toEqual([
      ["pos", 14, 11],
      ["online_store", 14, 14],
    ]);
    expect(plan.channels[0]?.explain).toEqual([{ rule: "hold", scope: "pos", units: 3, reason: "3 units held for online_store" }]);
  });

  it("treats a hold as expired at exactly its expiry instant, and accepts now as epoch ms", () => {
    const snap = snapshot([level("A", "X", { onHand: 10 })], {
      channels: ["pos"],
      holds: [{ sku: "A", channel: "web", units: 3, expiresAt: "2026-01-01T00:10:00Z" }],
    });
    const at = Date.parse("2026-01-01T00:10:00Z");
    expect(planAvailability(compiled([]), snap, { now: at - 1 }).channels[0]?.available).toBe(7);
    expect(planAvailability(compiled([]), snap, { now: at }).channels[0]?.available).toBe(10);
  });

  it("plans only the SKUs in the snapshot, so the pipeline can pass one inventory item at a time", () => {
    const c = compiled([{ kind: "safety_stock", units: 2 }], [{ channel: "web" }]);
    const plan = planAvailability(c, snapshot([level("B", "X", { onHand: 5 })]), { now: 0 });
    expect(plan.levels.map((l) => [l.sku, l.available])).toEqual([["B", 3]]);
    expect(plan.channels.map((ch) => [ch.sku, ch.channel, ch.available])).toEqual([["B", "web", 3]]);
  });

  it("groups output by SKU in order of first appearance", () => {
    const plan = planAvailability(
      compiled([]),
      snapshot([level("B", "X"), level("A", "X"), level("B", "Y")]),
      { now: 0 },
    );
    expect(plan.levels.map((l) => `${l.sku}@${l.location}`)).toEqual(["B@X", "B@Y", "A@X"]);
  });

  it("groups interleaved levels of items with item data the same way, each item planned with its own tags", () => {
    // Only A carries the tag: 2 of its 5 units withheld; B's levels keep everything.
    const plan = planAvailability(
      compiled([{ kind: "safety_stock", units: 2, tag: "hot" }]),
      snapshot([level("B", "X", { onHand: 5 }), level("A", "X", { onHand: 5 }), level("B", "Y", { onHand: 4 })], {
        items: [
          { sku: "A", tags: ["hot"] },
          { sku: "B", tags: [] },
        ],
      }),
      { now: 0 },
    );
    expect(plan.levels.map((l) => `${l.sku}@${l.location} ${l.available}/${l.safetyStock}`)).toEqual(["B@X 5/0", "B@Y 4/0", "A@X 3/2"]);
  });

  it("throws on a malformed now (a programming error, not merchant input)", () => {
    expect(() => planAvailability(compiled([]), snapshot([]), { now: "yesterday" })).toThrow(RangeError);
  });
});
