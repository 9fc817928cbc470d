/**
 * Writes that always land and are always accounted for (issue 8, items 1 and 3): an
 * idempotency key names one intended write, not its content, and every write Shopify applied
 * has its audit entry before the next one is sent.
 *
 * Expected values come from the emulated shop itself (what changed between two snapshots)
 * and from hand-computed policies (a flat safety stock of 2 on levels with stock to spare),
 * never from the planner.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Policy } from "~/domain";
import { publishPolicy, rollbackPolicy } from "~/services/policy.server";
import type { ShopStateSnapshot } from "../sandbox";
import { startHarness, type Harness } from "./support/harness";

const FLAT_TWO: Policy = { version: 1, protection: [{ kind: "safety_stock", units: 2 }], channels: [] };
const NOTHING: Policy = { version: 1, protection: [], channels: [] };

async function installed(shop: string) {
  const harness = startHarness({ shops: [shop] });
  await harness.install(shop);
  await harness.settle();
  return harness;
}

/** `safety_stock` of every active level, by "inventoryItemId|locationId". */
function safetyStocks(state: ShopStateSnapshot): Map<string, number> {
  const active = new Set(state.locations.filter((location) => location.isActive).map((location) => location.id));
  return new Map(
    state.inventoryLevels
      .filter((level) => level.isActive && active.has(level.locationId))
      .map((level) => [`${level.inventoryItemId}|${level.locationId}`, level.quantities.safety_stock]),
  );
}

/** The levels whose safety_stock differs between two snapshots, as "key: before→after". */
function changedLevels(before: ShopStateSnapshot, after: ShopStateSnapshot): string[] {
  const earlier = safetyStocks(before);
  const changes: string[] = [];
  for (const [key, now] of safetyStocks(after)) {
    const was = earlier.get(key) ?? 0;
    if (was !== now) changes.push(`${key}: ${was}→${now}`);
  }
  return changes.sort();
}

/** Safety-stock audit entries written after `since`, in the same "key: before→after" form. */
async function auditedLevels(shop: string, since: Date): Promise<string[]> {
  const entries = await prisma.auditEntry.findMany({ where: { shop, subject: "safety_stock", createdAt: { gte: since } } });
  return entries.map((entry) => `${entry.inventoryItemId}|${entry.locationId}: ${entry.before}→${entry.after}`).sort();
}

async function publishAndSettle(harness: Harness, shop: string, publish: () => Promise<unknown>) {
  const before = harness.sandbox.shop(shop).snapshot();
  const since = new Date();
  expect(await publish()).toMatchObject({ ok: true });
  await harness.settle();
  const after = harness.sandbox.shop(shop).snapshot();
  return { before, after, changes: changedLevels(before, after), audited: await auditedLevels(shop, since) };
}

describe("idempotency keys name one intended write", () => {
  it("publish safety stock 2, revert to 0, republish 2: the third publish protects again and is audited once per move", async () => {
    const shop = "intents-republish.myshopify.com";
    const harness = await installed(shop);

    const first = await publishAndSettle(harness, shop, () => publishPolicy(shop, FLAT_TWO, { createdBy: "test" }));
    const twoVersion = (await prisma.policyVersion.findFirstOrThrow({ where: { shop }, orderBy: { version: "desc" } })).version;
    // Hand-computed: a flat 2 protects 2 units at every level that has at least 2 available.
    const ample = [...safetyStocks(first.after).keys()].filter((key) => {
      const level = first.before.inventoryLevels.find((entry) => `${entry.inventoryItemId}|${entry.locationId}` === key)!;
      return level.quantities.available + level.quantities.safety_stock >= 2;
    });
    expect(ample.length).toBeGreaterThan(5);
    for (const key of ample) expect(safetyStocks(first.after).get(key)).toBe(2);
    expect(first.audited).toEqual(first.changes);

    const reverted = await publishAndSettle(harness, shop, () => publishPolicy(shop, NOTHING, { createdBy: "test" }));
    expect([...safetyStocks(reverted.after).values()].every((units) => units === 0)).toBe(true);
    expect(reverted.audited).toEqual(reverted.changes);

    // The same moves as the first publish, from the same quantities: only a new key applies them.
    const republished = await publishAndSettle(harness, shop, () => rollbackPolicy(shop, twoVersion, { createdBy: "test" }));
    expect(safetyStocks(republished.after)).toEqual(safetyStocks(first.after));
    expect(republished.changes).toEqual(first.changes);
    expect(republished.audited).toEqual(republished.changes);
    expect(await prisma.job.count({ where: { shop, status: "dead" } })).toBe(0);
  });
});
