/**
 * A sync run's move and the channel numbers that assume it travel in one request
 * (SafestockApplyLevels, docs/decisions/039). Shopify runs a mutation's root fields one after
 * the other, each on its own (https://spec.graphql.org/October2021/#sec-Mutation), and so does
 * the emulator: the numbers land even when the move beside them is not applied.
 *
 * Hand-computed: RING-6 has 12 available at the Warehouse, the only location that fulfils online
 * orders (sandbox/shop/README.md), so with N units of it protected there, every online channel's
 * pool — and so its number, with no channel rule — is 12 − N.
 */
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Policy } from "~/domain";
import { publishPolicy } from "~/services/policy.server";
import { reconcileShop } from "~/services/reconcile.server";
import type { ShopStateSnapshot } from "../sandbox";
import type { CostLogEntry } from "../sandbox/admin-api/cost-log";
import { startHarness, type Harness } from "./support/harness";
import { posSale } from "./support/scenarios";
import { mswServer } from "./setup/msw";

const protectAtWarehouse = (units: number): Policy => ({ version: 1, protection: [{ kind: "safety_stock", units, sku: "RING-6", location: "Warehouse" }], channels: [] });

async function sandboxCall(harness: Harness, shop: string, method: "GET" | "POST", path: string, body?: unknown) {
  const response = await harness.sandbox.handle(
    new Request(`https://${shop}${path}`, { method, headers: { "Content-Type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) }),
  );
  return (await response.json()) as never;
}

/** RING-6 at the Warehouse: its safety_stock, and each online channel's published number. */
function ring6(state: ShopStateSnapshot) {
  const variant = state.variants.find((entry) => entry.sku === "RING-6")!;
  const warehouse = state.locations.find((location) => location.name === "Warehouse")!.id;
  const level = state.inventoryLevels.find((entry) => entry.inventoryItemId === variant.inventoryItemId && entry.locationId === warehouse)!;
  const value = state.metafields.find((entry) => entry.ownerId === variant.id && entry.key === "channels")?.value;
  const channels = (JSON.parse(value ?? "{}") as { channels?: Record<string, { available: number }> }).channels ?? {};
  return {
    safetyStock: level.quantities.safety_stock,
    online: Object.fromEntries(["online_store", "marketplace"].map((channel) => [channel, channels[channel]?.available])),
    all: channels,
  };
}

const onlineNumbers = (units: number) => ({ online_store: units, marketplace: units });

/** A shop protecting 5 units of RING-6 at the Warehouse, settled: its numbers are 12 − 5 = 7. */
async function protectingFive(shop: string) {
  const harness = startHarness({ shops: [shop] });
  await harness.install(shop);
  await harness.settle();
  expect(await publishPolicy(shop, protectAtWarehouse(5), { createdBy: "test" })).toMatchObject({ ok: true });
  await harness.settle();
  expect(ring6(harness.sandbox.shop(shop).snapshot())).toMatchObject({ safetyStock: 5, online: onlineNumbers(7) });
  return harness;
}

async function costLog(harness: Harness, shop: string) {
  return (await sandboxCall(harness, shop, "GET", "/sandbox/cost-log")) as CostLogEntry[];
}

/**
 * Protect 1 instead of 5 while a POS sale of RING-6 lands just before the combined request, so its
 * move is stale and its numbers land; `afterAnswer` runs between Shopify's answer and the app's
 * next request. The named operations the shop ran, from the combined request on.
 */
async function staleMoveRun(harness: Harness, shop: string, afterAnswer?: () => Promise<void>) {
  const logStart = (await costLog(harness, shop)).length;
  let intercepted = false;
  mswServer.use(
    http.post("https://*.myshopify.com/admin/api/2026-10/graphql.json", async ({ request }) => {
      if (intercepted || !(await request.clone().text()).includes("mutation SafestockApplyLevels")) return undefined;
      intercepted = true;
      expect((await posSale(harness, shop, "RING-6", "Warehouse")).status).toBe(200);
      const response = await harness.sandbox.handle(request);
      await afterAnswer?.();
      return response;
    }),
  );
  expect(await publishPolicy(shop, protectAtWarehouse(1), { createdBy: "test" })).toMatchObject({ ok: true });
  await reconcileShop(shop, "manual");
  expect(intercepted).toBe(true);
  const log = (await costLog(harness, shop)).slice(logStart).filter((entry) => entry.operation !== null);
  const first = log.findIndex((entry) => entry.operation === "SafestockApplyLevels");
  expect(log[first]!.idempotent.map((outcome) => outcome.outcome)).not.toContain("applied");
  return log.slice(first).map((entry) => entry.operation);
}

describe("a move and its channel numbers in one request", () => {
  it("the move is asked to try again until the job gives up: the numbers beside it do not claim the 4 units it did not release; the retry lands it once under its first key", async () => {
    const shop = "apply-levels-move-fails.myshopify.com";
    const harness = await protectingFive(shop);
    const logStart = (await costLog(harness, shop)).length;
    // Every move answers MOVE_QUANTITIES_FAILED / SERVICE_UNAVAILABLE ("try again"); metafieldsSet runs.
    await sandboxCall(harness, shop, "POST", "/sandbox/faults", { transientErrorRate: { inventoryMoveQuantities: 1 }, transientKinds: ["user_error"], transientSeed: 3 });

    // Protect 1 instead of 5: release 4 units, and the online numbers would be 12 − 1 = 11.
    expect(await publishPolicy(shop, protectAtWarehouse(1), { createdBy: "test" })).toMatchObject({ ok: true });
    await expect(reconcileShop(shop, "manual")).rejects.toThrow(/still failing transiently/);

    const log = (await costLog(harness, shop)).slice(logStart);
    const combined = log.filter((entry) => entry.operation === "SafestockApplyLevels");
    expect(combined).toHaveLength(1);
    // In that request the move failed and the numbers landed (11, as planned) …
    expect(combined[0]!.idempotent.map((outcome) => outcome.outcome)).toEqual(["failed"]);
    expect(combined[0]!.metafieldOwners).toHaveLength(1);
    // … and they were put back: the shop shows the 5 still protected and numbers of 12 − 5.
    expect(ring6(harness.sandbox.shop(shop).snapshot())).toMatchObject({ safetyStock: 5, online: onlineNumbers(7) });
    const firstKey = combined[0]!.idempotent[0]!.idempotencyKey;
    const move = await prisma.writeIntent.findUniqueOrThrow({ where: { id: firstKey } });
    expect(move).toMatchObject({ kind: "move_quantities", status: "pending" });
    expect(await prisma.writeIntent.count({ where: { shop, kind: "metafields_set", status: "withdrawn" } })).toBe(1);

    // Shopify recovers: the pending move is resent under the same key and lands once; the numbers follow.
    await sandboxCall(harness, shop, "POST", "/sandbox/faults", { transientErrorRate: {} });
    await reconcileShop(shop, "manual");
    await harness.settle();
    expect(ring6(harness.sandbox.shop(shop).snapshot())).toMatchObject({ safetyStock: 1, online: onlineNumbers(11) });
    const outcomes = (await costLog(harness, shop)).slice(logStart).flatMap((entry) => entry.idempotent);
    expect(new Set(outcomes.map((outcome) => outcome.idempotencyKey))).toEqual(new Set([firstKey]));
    expect(outcomes.filter((outcome) => outcome.outcome === "applied")).toHaveLength(1);
    expect(await prisma.writeIntent.findUniqueOrThrow({ where: { id: firstKey } })).toMatchObject({ status: "applied" });
    expect(await prisma.auditEntry.count({ where: { shop, writeIntentId: firstKey } })).toBe(1);
  }, 90_000);

  it("the combined request's answer is lost after Shopify applied it: the resend under the same key replays the move, the numbers are recognised as ours, both recorded once", async () => {
    const shop = "apply-levels-lost-answer.myshopify.com";
    const harness = await protectingFive(shop);
    const before = ring6(harness.sandbox.shop(shop).snapshot()).all;
    const logStart = (await costLog(harness, shop)).length;
    let lost = 0;
    mswServer.use(
      http.post("https://*.myshopify.com/admin/api/2026-10/graphql.json", async ({ request }) => {
        const body = await request.clone().text();
        if (lost > 0 || !body.includes("mutation SafestockApplyLevels")) return undefined;
        lost++;
        await harness.sandbox.handle(request);
        return HttpResponse.json({ errors: "Service Unavailable" }, { status: 503 });
      }),
    );
    expect(await publishPolicy(shop, protectAtWarehouse(1), { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect(lost).toBe(1);

    expect(ring6(harness.sandbox.shop(shop).snapshot())).toMatchObject({ safetyStock: 1, online: onlineNumbers(11) });
    const log = (await costLog(harness, shop)).slice(logStart);
    const combined = log.filter((entry) => entry.operation === "SafestockApplyLevels");
    // Sent twice with one key: applied, then the first result replayed; the level changed once.
    expect(combined.flatMap((entry) => entry.idempotent.map((outcome) => outcome.outcome))).toEqual(["applied", "replayed"]);
    expect(new Set(combined.flatMap((entry) => entry.idempotent.map((outcome) => outcome.idempotencyKey))).size).toBe(1);
    expect(log.filter((entry) => entry.levels.length > 0 && entry.mutation)).toHaveLength(1);
    const key = combined[0]!.idempotent[0]!.idempotencyKey;
    expect(await prisma.writeIntent.findUniqueOrThrow({ where: { id: key } })).toMatchObject({ status: "applied" });
    const numbers = await prisma.writeIntent.findMany({ where: { shop, kind: "metafields_set", createdAt: { gte: (await prisma.writeIntent.findUniqueOrThrow({ where: { id: key } })).createdAt } } });
    expect(numbers.map((intent) => intent.status)).toEqual(["applied"]);
    expect(await prisma.auditEntry.count({ where: { shop, writeIntentId: key } })).toBe(1);
    // One entry per channel whose number the shop now shows changed (online_store and marketplace among them).
    const after = ring6(harness.sandbox.shop(shop).snapshot()).all;
    const changed = Object.keys(after).filter((channel) => after[channel]!.available !== before[channel]?.available);
    expect(changed).toEqual(expect.arrayContaining(["online_store", "marketplace"]));
    expect(await prisma.auditEntry.count({ where: { shop, writeIntentId: numbers[0]!.id } })).toBe(changed.length);
  }, 60_000);

  it("the move is stale (a sale landed after the read): the numbers beside it are put back by the digests they landed with, no read before, and the re-run lands the truth", async () => {
    const shop = "apply-levels-move-stale.myshopify.com";
    const harness = await protectingFive(shop);
    const operations = await staleMoveRun(harness, shop);
    // Stale move, numbers landed: put back at once, then the re-read of the next try.
    expect(operations.slice(0, 3)).toEqual(["SafestockApplyLevels", "SafestockSetChannelAts", "SafestockItemLevels"]);
    expect(await prisma.writeIntent.count({ where: { shop, kind: "metafields_set", status: "withdrawn" } })).toBe(1);
    await harness.settle();
    // 12 − 1 sold = 11 available at the Warehouse, 1 protected: numbers of 10.
    expect(ring6(harness.sandbox.shop(shop).snapshot())).toMatchObject({ safetyStock: 1, online: onlineNumbers(10) });
  }, 60_000);

  it("the move is stale and someone rewrote the numbers after they landed: the put-back by digest is refused, a read shows theirs, and theirs are not overwritten by the put-back", async () => {
    const shop = "apply-levels-stale-rewritten.myshopify.com";
    const harness = await protectingFive(shop);
    const variantId = harness.sandbox.shop(shop).snapshot().variants.find((entry) => entry.sku === "RING-6")!.id;
    const theirs = JSON.stringify({ channels: { online_store: { available: 3 } } });
    const operations = await staleMoveRun(harness, shop, async () => {
      const set = await harness.gql(
        `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { code } } }`,
        { m: [{ ownerId: variantId, namespace: "safestock", key: "channels", type: "json", value: theirs }] },
        shop,
      );
      expect(set.data.metafieldsSet.userErrors).toEqual([]);
    });
    // The put-back by digest (stale: theirs is there), then the read of the put-back (the numbers
    // alone, docs/decisions/043) that finds nothing of ours left, then the next try's re-read: no
    // second put-back write.
    expect(operations.slice(0, 4)).toEqual(["SafestockApplyLevels", "SafestockSetChannelAts", "SafestockChannelNumbers", "SafestockItemLevels"]);
    expect(await prisma.writeIntent.count({ where: { shop, kind: "metafields_set", status: "withdrawn" } })).toBe(1);
    await harness.settle();
    expect(ring6(harness.sandbox.shop(shop).snapshot())).toMatchObject({ safetyStock: 1, online: onlineNumbers(10) });
  }, 60_000);
});
