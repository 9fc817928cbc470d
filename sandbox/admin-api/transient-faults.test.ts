/**
 * Fault knob `transientErrorRate` (./transient-faults.ts): the answers follow the 2026-10 enum
 * descriptions (InventoryMoveQuantitiesUserErrorCode) and shopify.dev/docs/api/usage/idempotent-requests
 * (a key retried after a lost answer returns the first result, applied once).
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN } from "../contract.js";
import { MOVE_MUTATION, testShop } from "./test-helpers.js";

function moveOneToSafety() {
  const t = testShop();
  const ring7 = t.variantBySku("RING-7");
  const wh = t.location("Warehouse");
  const before = t.level("RING-7", "Warehouse");
  const input = {
    reason: "safety_stock",
    referenceDocumentUri: "logistics://safestock/plan/1",
    changes: [
      {
        inventoryItemId: ring7.itemId,
        quantity: 1,
        from: { locationId: wh, name: "available", changeFromQuantity: before.available },
        to: { locationId: wh, name: "safety_stock", changeFromQuantity: before.safety_stock, ledgerDocumentUri: "logistics://safestock/plan/1" },
      },
    ],
  };
  return { t, input, before, send: (key: string) => t.shop.graphql({ query: MOVE_MUTATION, variables: { key, input } }, SANDBOX_ADMIN_TOKEN) };
}

describe("transientErrorRate", () => {
  it("user_error: the move's own try-again code, nothing applied, and the same key runs on retry", async () => {
    const { t, before, send } = moveOneToSafety();
    t.shop.setTransientFaults({ transientErrorRate: { inventoryMoveQuantities: 1 }, transientKinds: ["user_error"], transientSeed: 3 });
    const failed = (await send("k1")).body as { data: { inventoryMoveQuantities: { inventoryAdjustmentGroup: unknown; userErrors: { code: string; message: string; field: unknown }[] } } };
    const payload = failed.data.inventoryMoveQuantities;
    expect(payload.inventoryAdjustmentGroup).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    const [error] = payload.userErrors;
    expect([
      { field: null, code: "SERVICE_UNAVAILABLE", message: "The service is temporarily unavailable. Try again later." },
      { field: null, code: "MOVE_QUANTITIES_FAILED", message: "The quantities couldn't be moved. Try again." },
    ]).toContainEqual(error);
    expect(t.level("RING-7", "Warehouse")).toEqual(before);

    t.shop.setTransientFaults({ transientErrorRate: {} });
    const retried = (await send("k1")).body as { data: { inventoryMoveQuantities: { userErrors: unknown[] } } };
    expect(retried.data.inventoryMoveQuantities.userErrors).toEqual([]);
    expect(t.level("RING-7", "Warehouse").safety_stock).toBe(before.safety_stock + 1);
    expect(t.shop.costLog().flatMap((entry) => entry.idempotent.map((o) => [o.idempotencyKey, o.outcome]))).toEqual([
      ["k1", "failed"],
      ["k1", "applied"],
    ]);
  });

  it("concurrent: IDEMPOTENCY_CONCURRENT_REQUEST with the enum's message", async () => {
    const { t, send } = moveOneToSafety();
    t.shop.setTransientFaults({ transientErrorRate: 1, transientKinds: ["concurrent"] });
    const body = (await send("k2")).body as { data: { inventoryMoveQuantities: { userErrors: unknown[] } } };
    expect(body.data.inventoryMoveQuantities.userErrors).toEqual([{ field: null, code: "IDEMPOTENCY_CONCURRENT_REQUEST", message: "This request is currently in progress, please try again." }]);
  });

  it.each([
    ["http_502", 502],
    ["http_503", 503],
  ] as const)("%s applied before the answer was lost: the shop changed once, the retry with the key replays it", async (kind, status) => {
    const { t, before, send } = moveOneToSafety();
    t.shop.setTransientFaults({ transientErrorRate: { inventoryMoveQuantities: 1 }, transientKinds: [kind], transientAppliedShare: 1 });
    const lost = await send("k3");
    expect(lost.status).toBe(status);
    expect(t.level("RING-7", "Warehouse").safety_stock).toBe(before.safety_stock + 1);
    t.shop.setTransientFaults({ transientErrorRate: {} });
    const retried = await send("k3");
    expect(retried.status).toBe(200);
    expect(t.level("RING-7", "Warehouse").safety_stock).toBe(before.safety_stock + 1);
    expect(t.shop.costLog().flatMap((entry) => entry.idempotent.map((o) => o.outcome))).toEqual(["applied", "replayed"]);
  });

  it("timeout not applied: no answer (lostAfterMs), nothing ran, the key is still fresh", async () => {
    const { t, before, send } = moveOneToSafety();
    t.shop.setTransientFaults({ transientErrorRate: { inventoryMoveQuantities: 1 }, transientKinds: ["timeout"], transientAppliedShare: 0, transientTimeoutMs: 7 });
    const lost = await send("k4");
    expect(lost.lostAfterMs).toBe(7);
    expect(t.level("RING-7", "Warehouse")).toEqual(before);
    expect(t.shop.transientFaults().transientLog).toEqual([{ field: "inventoryMoveQuantities", idempotencyKey: "k4", kind: "timeout", applied: false }]);
    t.shop.setTransientFaults({ transientErrorRate: {} });
    expect(((await send("k4")).body as { data: { inventoryMoveQuantities: { userErrors: unknown[] } } }).data.inventoryMoveQuantities.userErrors).toEqual([]);
    expect(t.level("RING-7", "Warehouse").safety_stock).toBe(before.safety_stock + 1);
  });

  it("queries never fail, and a mutation without a try-again code gets a 503 instead of a userError", async () => {
    const t = testShop();
    t.shop.setTransientFaults({ transientErrorRate: 1, transientKinds: ["user_error"] });
    expect((await t.shop.graphql({ query: "{ shop { name } }" }, SANDBOX_ADMIN_TOKEN)).status).toBe(200);
    const result = await t.shop.graphql(
      { query: `mutation { metafieldsSet(metafields: [{ ownerId: "${t.variantBySku("RING-7").variantId}", namespace: "x", key: "yy", type: "number_integer", value: "1" }]) { userErrors { code } } }` },
      SANDBOX_ADMIN_TOKEN,
    );
    expect(result.status).toBe(503);
  });
});

describe("transientErrorRate on a request of several root mutation fields", () => {
  it("an answer lost after the request was applied covers any prefix of its root fields: the move alone, or the move and the metafield", async () => {
    const query = `mutation($input: InventoryMoveQuantitiesInput!, $key: String!, $m: [MetafieldsSetInput!]!) {
      inventoryMoveQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { id } userErrors { code } }
      metafieldsSet(metafields: $m) { metafields { id } userErrors { code } }
    }`;
    const seen = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const { t, input, before } = moveOneToSafety();
      const ownerId = t.variantBySku("RING-7").variantId;
      t.shop.setTransientFaults({ transientErrorRate: { inventoryMoveQuantities: 1 }, transientKinds: ["http_503"], transientAppliedShare: 1, transientSeed: seed });
      const answer = await t.shop.graphql({ query, variables: { key: `k${seed}`, input, m: [{ ownerId, namespace: "safestock", key: "channels", type: "json", value: "{}" }] } }, SANDBOX_ADMIN_TOKEN);
      expect(answer.status).toBe(503);
      const [fault] = t.shop.transientFaults().transientLog;
      const moved = t.level("RING-7", "Warehouse").safety_stock === before.safety_stock + 1;
      const numbers = t.shop.state.metafields.size === 1;
      // The move runs first: it ran in every case; the metafield only when both fields ran.
      expect(moved).toBe(true);
      expect(numbers).toBe(fault!.appliedRootFields === 2);
      seen.add(`${fault!.appliedRootFields}`);
    }
    expect(seen).toEqual(new Set(["1", "2"]));
  });
});
