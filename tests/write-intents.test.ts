/**
 * Writes that always land and are always accounted for (docs/pipeline.md, docs/decisions/005-idempotency-keys.md): an
 * idempotency key names one intended write, not its content, and every write Shopify applied
 * has its audit entry before the next one is sent.
 *
 * Expected values come from the emulated shop itself (what changed between two snapshots)
 * and from hand-computed policies (a flat safety stock of 2 on levels with stock to spare),
 * never from the planner.
 */
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { jobQueue } from "~/services/jobs.server";
import type { Policy } from "~/domain";
import { publishPolicy, rollbackPolicy } from "~/services/policy.server";
import { reconcileShop } from "~/services/reconcile.server";
import { loadSyncPage } from "~/services/sync-view.server";
import type { ShopStateSnapshot } from "../sandbox";
import type { SandboxShopEmulator } from "../sandbox/admin-api/emulator";
import { metafieldKey } from "../sandbox/shop/state";
import { METAFIELDS_SET_MUTATION, MOVE_QUANTITIES_MUTATION } from "~/shopify/documents";
import { startHarness, type Harness } from "./support/harness";
import { receiveStock } from "./support/scenarios";
import { mswServer } from "./setup/msw";

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
    expect((await jobQueue().stats(shop)).byStatus.dead).toBe(0);
  }, 60_000);
});

const WRITES = ["SafestockMoveQuantities", "SafestockApplyLevels", "SafestockSetChannelAts", "SafestockPublish", "SafestockUnpublish"];

type RootAnswers = { inventoryMoveQuantities?: unknown; metafieldsSet?: unknown };

/**
 * Answers the k-th write mutation (1-based) with `answer` instead of letting it reach the
 * shop; every other request goes through. Returns what was seen.
 */
function failWriteNumber(harness: Harness, k: number, answer: (operation: string, request: Request, variables: Record<string, unknown>) => Promise<Response> | Response) {
  const seen = { writes: 0, failed: null as null | { operation: string; variables: Record<string, unknown> } };
  mswServer.use(
    http.post("https://*.myshopify.com/admin/api/2026-10/graphql.json", async ({ request }) => {
      const body = (await request.clone().json()) as { query: string; variables: Record<string, unknown> };
      const operation = WRITES.find((name) => body.query.includes(`mutation ${name}`));
      if (!operation) return undefined;
      seen.writes++;
      if (seen.writes !== k) return undefined;
      seen.failed = { operation, variables: body.variables };
      return answer(operation, request, body.variables);
    }),
  );
  return seen;
}

/**
 * Runs one root field of a SafestockApplyLevels request on the shop, as its own document with the
 * same variables, and answers the other root field with `other` (Shopify runs the two fields one
 * after the other, each on its own: https://spec.graphql.org/October2021/#sec-Mutation).
 */
async function oneRootFieldReaches(harness: Harness, request: Request, variables: Record<string, unknown>, reaches: "move" | "metafields", other: { data: unknown; errors?: unknown[] }) {
  const query = reaches === "move" ? MOVE_QUANTITIES_MUTATION : METAFIELDS_SET_MUTATION;
  const forwarded = await harness.sandbox.handle(new Request(request.url, { method: "POST", headers: request.headers, body: JSON.stringify({ query, variables }) }));
  const body = (await forwarded.json()) as { data: RootAnswers; extensions?: unknown };
  const root = reaches === "move" ? "inventoryMoveQuantities" : "metafieldsSet";
  const otherRoot = reaches === "move" ? "metafieldsSet" : "inventoryMoveQuantities";
  return HttpResponse.json({ data: { [root]: body.data[root], [otherRoot]: other.data }, ...(other.errors ? { errors: other.errors } : {}), extensions: body.extensions });
}

/** The variants of every metafieldsSet the app sends from now on (alone, beside a move, or a put-back), in order. */
function watchNumbersSent(): string[] {
  const numbersSent: string[] = [];
  mswServer.use(
    http.post("https://*.myshopify.com/admin/api/2026-10/graphql.json", async ({ request }) => {
      const body = (await request.clone().json()) as { query: string; variables: { metafields?: { ownerId: string }[] } };
      if (body.query.includes("metafieldsSet(")) numbersSent.push(...(body.variables.metafields ?? []).map((entry) => entry.ownerId));
      return undefined;
    }),
  );
  return numbersSent;
}

/** Shopify's answer to an internal failure: a top-level error, nothing applied. */
const internalError = () =>
  HttpResponse.json({ errors: [{ message: "Internal error. Looks like something went wrong on our end.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });

const INVALID_LOCATION = [{ field: ["input", "changes", "0", "from", "locationId"], message: "The specified location could not be found.", code: "INVALID_LOCATION" }];

/** A refusal no retry can fix, as inventoryMoveQuantities / metafieldsSet report it; in a SafestockApplyLevels request the move is refused and the numbers beside it land. */
const refusal = (harness: Harness) => async (operation: string, request: Request, variables: Record<string, unknown>) => {
  if (operation === "SafestockApplyLevels") return oneRootFieldReaches(harness, request, variables, "metafields", { data: { inventoryAdjustmentGroup: null, userErrors: INVALID_LOCATION } });
  const root = operation === "SafestockMoveQuantities" ? "inventoryMoveQuantities" : "metafieldsSet";
  return HttpResponse.json({ data: { [root]: root === "inventoryMoveQuantities" ? { inventoryAdjustmentGroup: null, userErrors: INVALID_LOCATION } : { metafields: null, userErrors: INVALID_LOCATION } } });
};

/** Makes a variant a fixed bundle (docs/decisions/034), as a merchant's bundles app would. */
const MAKE_BUNDLE = `mutation MakeBundle($input: [ProductVariantRelationshipUpdateInput!]!) {
  productVariantRelationshipBulkUpdate(input: $input) {
    parentProductVariants { id requiresComponents }
    userErrors { field message code }
  }
}`;

/** Channel numbers changed between two snapshots, per variant's item and channel, as "item|channel: before→after". */
function changedChannels(before: ShopStateSnapshot, after: ShopStateSnapshot): string[] {
  const itemOf = new Map(after.variants.map((variant) => [variant.id, variant.inventoryItemId]));
  const parse = (value: string | undefined) =>
    value ? ((JSON.parse(value) as { channels: Record<string, { available: number; paused: boolean }> }).channels ?? {}) : {};
  const valueOf = (state: ShopStateSnapshot) => new Map(state.metafields.filter((m) => m.key === "channels").map((m) => [m.ownerId, m.value]));
  const earlier = valueOf(before);
  const changes: string[] = [];
  for (const [variantId, value] of valueOf(after)) {
    const was = parse(earlier.get(variantId));
    for (const [channel, now] of Object.entries(parse(value))) {
      const previous = was[channel];
      if (previous && previous.available === now.available && previous.paused === now.paused) continue;
      changes.push(`${itemOf.get(variantId)}|${channel}: ${previous?.available ?? null}→${now.available}`);
    }
  }
  return changes.sort();
}

async function auditedChannels(shop: string, since: Date): Promise<string[]> {
  const entries = await prisma.auditEntry.findMany({ where: { shop, subject: "channel_ats", createdAt: { gte: since } } });
  return entries.map((entry) => `${entry.inventoryItemId}|${entry.channel}: ${entry.before}→${entry.after}`).sort();
}

describe("a write and its record are one unit", () => {
  it("a failure of the channel numbers after the move landed in the same request leaves an audit entry for every change in the shop; the retry finishes the rest with its own", async () => {
    const shop = "intents-fault.myshopify.com";
    const harness = await installed(shop);
    const start = harness.sandbox.shop(shop).snapshot();
    const since = new Date();
    // 15 variants are one catalog batch: its moves (45 levels) and its channel numbers (15
    // metafields) go in one SafestockApplyLevels request. The move lands; the metafieldsSet field
    // answers an internal error (Shopify nulls that field only), and so does the numbers' resend.
    let failing = true;
    const seen = { applyLevels: 0, numbersAlone: 0 };
    mswServer.use(
      http.post("https://*.myshopify.com/admin/api/2026-10/graphql.json", async ({ request }) => {
        const body = (await request.clone().json()) as { query: string; variables: Record<string, unknown> };
        if (!failing) return undefined;
        if (body.query.includes("mutation SafestockApplyLevels")) {
          seen.applyLevels++;
          const fieldError = { message: "Internal error. Looks like something went wrong on our end.", path: ["metafieldsSet"], extensions: { code: "INTERNAL_SERVER_ERROR" } };
          return oneRootFieldReaches(harness, request, body.variables, "move", { data: null, errors: [fieldError] });
        }
        if (!body.query.includes("mutation SafestockSetChannelAts")) return undefined;
        seen.numbersAlone++;
        return internalError();
      }),
    );
    expect(await publishPolicy(shop, FLAT_TWO, { createdBy: "test" })).toMatchObject({ ok: true });
    await expect(reconcileShop(shop, "manual")).rejects.toThrow(/INTERNAL_SERVER_ERROR|Internal error/);
    expect(seen).toEqual({ applyLevels: 1, numbersAlone: 1 });
    failing = false;

    const afterFault = harness.sandbox.shop(shop).snapshot();
    const levelChanges = changedLevels(start, afterFault);
    const channelChanges = changedChannels(start, afterFault);
    expect(levelChanges.length).toBeGreaterThan(0);
    expect(channelChanges).toEqual([]);
    // The move's answer stood beside the field error: it was recorded at once, one entry a change.
    expect(await auditedLevels(shop, since)).toEqual(levelChanges);
    expect(await auditedChannels(shop, since)).toEqual(channelChanges);
    // The failed write was stored before it was sent and is still open for a retry of itself.
    expect(await prisma.writeIntent.count({ where: { shop, status: "pending", kind: "metafields_set" } })).toBe(1);
    expect(await prisma.writeIntent.count({ where: { shop, status: "pending", kind: "move_quantities" } })).toBe(0);

    // The retry (the reconciliation the publish queued) finishes the rest, each write with its entry.
    await harness.settle();
    const end = harness.sandbox.shop(shop).snapshot();
    const allLevels = changedLevels(start, end);
    expect(changedChannels(start, end).length).toBeGreaterThan(0);
    expect(await auditedLevels(shop, since)).toEqual(allLevels);
    expect(await auditedChannels(shop, since)).toEqual(changedChannels(start, end));
    // Every level withholds the flat 2, capped by what it could sell (docs/policy.md § 1): no
    // orders moved stock since the start, so that is its available + safety_stock then.
    for (const [key, units] of safetyStocks(end)) {
      const level = start.inventoryLevels.find((entry) => `${entry.inventoryItemId}|${entry.locationId}` === key)!;
      const sellable = Math.max(0, level.quantities.available + level.quantities.safety_stock);
      expect(units, key).toBe(Math.min(2, sellable));
    }
    expect(await prisma.writeIntent.count({ where: { shop, status: "pending" } })).toBe(0);
  }, 60_000);
});

describe("a write Shopify refuses", () => {
  it("dead-letters the recompute job at once, with Shopify's code and message on the Sync page", async () => {
    const shop = "intents-refused.myshopify.com";
    const harness = await installed(shop);
    // Protect every unit of RING-7 at the Warehouse: any receipt there means a move.
    const all: Policy = { version: 1, protection: [{ kind: "safety_stock", units: 100_000, sku: "RING-7", location: "Warehouse" }], channels: [] };
    expect(await publishPolicy(shop, all, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const before = harness.sandbox.shop(shop).snapshot();
    const since = new Date();

    const fault = failWriteNumber(harness, 1, refusal(harness));
    await receiveStock(harness, shop, "RING-7", "Warehouse", 3);
    await harness.settle();
    expect(fault.failed?.operation).toBe("SafestockMoveQuantities");

    const dead = (await jobQueue().listDead(shop)).jobs;
    expect(dead.map((job) => [job.queue, job.attempts])).toEqual([["recompute", 1]]);
    const page = await loadSyncPage(shop, { deadCursor: null });
    expect(page.deadJobs).toHaveLength(1);
    expect(page.deadJobs[0].error).toContain("INVALID_LOCATION");
    expect(page.deadJobs[0].error).toContain("The specified location could not be found.");
    // Nothing was applied, so nothing is audited; the refused intent is closed with the codes.
    expect(changedLevels(before, harness.sandbox.shop(shop).snapshot())).toEqual([]);
    expect(await auditedLevels(shop, since)).toEqual([]);
    const refused = await prisma.writeIntent.findMany({ where: { shop, status: "refused" } });
    expect(refused).toHaveLength(1);
    expect(refused[0].error).toContain("INVALID_LOCATION");
  }, 60_000);
});

describe("reconciliation reports", () => {
  it("counts drifted, fixed and failed honestly when Shopify refuses one fix, and puts back the numbers that assumed it", async () => {
    const shop = "intents-report.myshopify.com";
    const harness = await installed(shop);
    const start = harness.sandbox.shop(shop).snapshot();
    // The publish queues a reconciliation; the test runs its own instead, with write 1 (the batch's
    // moves and channel numbers in one request) answered as Shopify would if it refused the move:
    // the numbers beside it still land (root fields run one after the other, each on its own).
    const fault = failWriteNumber(harness, 1, refusal(harness));
    expect(await publishPolicy(shop, FLAT_TWO, { createdBy: "test" })).toMatchObject({ ok: true });
    const report = await reconcileShop(shop, "manual");
    expect(fault.failed?.operation).toBe("SafestockApplyLevels");
    const refusedMoves = (fault.failed!.variables.input as { changes: unknown[] }).changes.length;
    const withdrawnNumbers = (fault.failed!.variables.metafields as unknown[]).length;
    expect(refusedMoves).toBeGreaterThan(0);
    expect(withdrawnNumbers).toBeGreaterThan(0);

    const end = harness.sandbox.shop(shop).snapshot();
    // The numbers assumed 2 units protected at every level; the move was refused, so they were put
    // back: every variant shows the numbers it had before, and no level moved.
    expect(changedChannels(start, end)).toEqual([]);
    expect(changedLevels(start, end)).toEqual([]);
    const fixedLevels = changedLevels(start, end).length;
    const fixedVariants = new Set(changedChannels(start, end).map((change) => change.split("|")[0])).size;
    // Hand-counted from the shop: every change present was a fix; the refused batch and the numbers that assumed it are the failure.
    expect(report.fixed).toBe(fixedLevels + fixedVariants);
    expect(report.failed).toBe(refusedMoves + withdrawnNumbers);
    expect(report.drifted).toBe(report.fixed + report.failed);
    expect(report.causes["refused INVALID_LOCATION"]).toBe(1);
    expect(await prisma.writeIntent.count({ where: { shop, kind: "metafields_set", status: "withdrawn" } })).toBe(1);
    const stored = await prisma.reconciliationReport.findUniqueOrThrow({ where: { id: report.reportId } });
    expect(stored).toMatchObject({ status: "done", drifted: report.drifted, fixed: report.fixed, failed: report.failed });
    const page = await loadSyncPage(shop, { deadCursor: null });
    expect(page.reports.find((entry) => entry.id === report.reportId)).toMatchObject({ failed: report.failed, fixed: report.fixed });
  }, 60_000);
});

describe("numbers never claim a refused move", () => {
  it("a reconciliation of 120 variants (moves and numbers in several requests) sends none of the refused items' numbers: their published numbers stay as they were, the others' change", async () => {
    const shop = "intents-refused-many.myshopify.com";
    const harness = startHarness({ shops: [shop], seed: { variants: 120, catalog: "plain", seed: 7 } });
    await harness.install(shop);
    await harness.settle();
    const start = harness.sandbox.shop(shop).snapshot();
    // Write 1 is refused: the first batch of moves (with the first 25 numbers beside it, if they travel together).
    const fault = failWriteNumber(harness, 1, refusal(harness));
    const numbersSent = watchNumbersSent();
    expect(await publishPolicy(shop, FLAT_TWO, { createdBy: "test" })).toMatchObject({ ok: true });
    const report = await reconcileShop(shop, "manual");
    expect(report.causes["refused INVALID_LOCATION"]).toBe(1);
    const refusedItems = new Set((fault.failed!.variables.input as { changes: { inventoryItemId: string }[] }).changes.map((change) => change.inventoryItemId));
    expect(refusedItems.size).toBeGreaterThan(0);

    const end = harness.sandbox.shop(shop).snapshot();
    const variantOf = new Map(end.variants.map((variant) => [variant.inventoryItemId, variant.id]));
    const value = (state: ShopStateSnapshot, variantId: string) => state.metafields.find((entry) => entry.ownerId === variantId && entry.key === "channels")?.value;
    // Every refused item shows the numbers it had before; none of its numbers went out after the refusal.
    for (const item of refusedItems) expect(value(end, variantOf.get(item)!), item).toBe(value(start, variantOf.get(item)!));
    const paired = fault.failed!.operation === "SafestockApplyLevels" ? new Set((fault.failed!.variables.metafields as { ownerId: string }[]).map((entry) => entry.ownerId)) : new Set<string>();
    const refusedVariants = new Set([...refusedItems].map((item) => variantOf.get(item)!));
    // A refused item's numbers went out only in the refused request itself (then put back), never in a later one.
    const later = numbersSent.filter((variantId) => refusedVariants.has(variantId));
    expect(later.length).toBe([...paired].filter((variantId) => refusedVariants.has(variantId)).length * (paired.size > 0 ? 2 : 0));
    // Items whose moves were not refused were fixed: their numbers changed.
    const changedVariants = new Set(changedChannels(start, end).map((change) => variantOf.get(change.split("|")[0]!)));
    expect([...changedVariants].some((variantId) => !refusedVariants.has(variantId!))).toBe(true);
    expect([...changedVariants].filter((variantId) => refusedVariants.has(variantId!))).toEqual([]);
    expect(report.drifted).toBe(report.fixed + report.failed);
  }, 90_000);

  it("a bundle published after its component's refused release keeps the number it had: it is left out like the component, not published with the released units", async () => {
    const shop = "intents-refused-bundle.myshopify.com";
    // 40 variants: one bundle and 39 items, so a run that changes every item's numbers sends them in
    // two requests (25 a metafieldsSet): the first beside the moves, the bundle (read last) after it.
    const harness = startHarness({ shops: [shop], seed: { variants: 40, catalog: "plain", seed: 7 } });
    await harness.install(shop);
    await harness.settle();
    const seeded = harness.sandbox.shop(shop).snapshot();
    const warehouse = seeded.locations.find((location) => location.name === "Warehouse")!.id;
    const warehouseAvailable = (itemId: string) => seeded.inventoryLevels.find((level) => level.inventoryItemId === itemId && level.locationId === warehouse)!.quantities.available;
    // The component: the first variant with at least 2 available at the Warehouse (its Online Store
    // number, the only location fulfilling online orders: sandbox/shop/README.md); the bundle: the last variant.
    const component = seeded.variants.find((variant) => warehouseAvailable(variant.inventoryItemId) >= 2)!;
    const bundle = seeded.variants[seeded.variants.length - 1]!;
    const units = warehouseAvailable(component.inventoryItemId);
    const made = await harness.gql<{ data: { productVariantRelationshipBulkUpdate: { userErrors: unknown[] } } }>(
      MAKE_BUNDLE,
      { input: [{ parentProductVariantId: bundle.id, productVariantRelationshipsToCreate: [{ id: component.id, quantity: 1 }] }] },
      shop,
    );
    expect(made.data.productVariantRelationshipBulkUpdate.userErrors).toEqual([]);

    // A flat 2 protected at every level: the component's Online Store number is units − 2, and so
    // is the bundle's (one component a bundle), which lists the component at units − 2.
    expect(await publishPolicy(shop, FLAT_TWO, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const onlineOf = (state: ShopStateSnapshot, variantId: string) => {
      const value = state.metafields.find((entry) => entry.ownerId === variantId && entry.key === "channels")?.value;
      const parsed = JSON.parse(value ?? "{}") as { channels?: Record<string, { available: number }>; components?: { id: string; available: number }[] };
      return { online: parsed.channels?.online_store?.available, components: parsed.components?.map((entry) => [entry.id, entry.available]) };
    };
    const protectedTwo = { online: units - 2, components: [[component.id, units - 2]] };
    expect(onlineOf(harness.sandbox.shop(shop).snapshot(), bundle.id)).toEqual(protectedTwo);

    // Nothing protected: the release would free the 2 units (units on both). The moves' request is
    // refused, so the component keeps its 2 protected and its number of units − 2.
    const fault = failWriteNumber(harness, 1, refusal(harness));
    const numbersSent = watchNumbersSent();
    expect(await publishPolicy(shop, NOTHING, { createdBy: "test" })).toMatchObject({ ok: true });
    const report = await reconcileShop(shop, "manual");
    expect(fault.failed?.operation).toBe("SafestockApplyLevels");
    const refusedItems = (fault.failed!.variables.input as { changes: { inventoryItemId: string }[] }).changes.map((change) => change.inventoryItemId);
    expect(refusedItems).toContain(component.inventoryItemId);
    // The bundle's numbers were not beside the refused move: they would have gone in a later request.
    expect((fault.failed!.variables.metafields as { ownerId: string }[]).map((entry) => entry.ownerId)).not.toContain(bundle.id);

    const end = harness.sandbox.shop(shop).snapshot();
    const level = end.inventoryLevels.find((entry) => entry.inventoryItemId === component.inventoryItemId && entry.locationId === warehouse)!;
    expect(level.quantities.safety_stock).toBe(2);
    expect(onlineOf(end, component.id).online).toBe(units - 2);
    // The bundle stays at units − 2, listing the component at units − 2 (not units: 2 more than
    // the component has for sale), and its numbers were never sent.
    expect(onlineOf(end, bundle.id)).toEqual(protectedTwo);
    expect(numbersSent).not.toContain(bundle.id);
    // Every write assumed the refused release: nothing was fixed, all of it failed.
    expect(report.fixed).toBe(0);
    expect(report.drifted).toBe(report.failed);
  }, 90_000);

  it.each([
    ["beside it, in one request", "SafestockApplyLevels", false],
    ["after it (a first publication among them)", "SafestockMoveQuantities", true],
  ] as const)("numbers sent %s: the refused items and their bundle are not published from the refused move; the Summer Set keeps 40", async (name, refusedOperation, firstPublication) => {
    // The realistic seed's Summer Set is 1 SHIRT-M + 2 TOTE-NAT; Warehouse available 42 and 120,
    // the Online Store's pool (docs/decisions/034). A flat 2: shirts 40, totes 118, set min(40, ⌊118/2⌋ = 59) = 40.
    const shop = `intents-refused-set-${firstPublication ? "after" : "beside"}.myshopify.com`;
    const harness = startHarness({ shops: [shop], seed: "realistic" });
    await harness.install(shop);
    await harness.settle();
    expect(await publishPolicy(shop, FLAT_TWO, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const variant = (sku: string) => harness.sandbox.shop(shop).snapshot().variants.find((entry) => entry.sku === sku)!;
    const [set, shirt, tote, ring] = ["SET-SUMMER", "SHIRT-M", "TOTE-NAT", "RING-6"].map(variant);
    const online = (variantId: string) => {
      const value = harness.sandbox.shop(shop).snapshot().metafields.find((entry) => entry.ownerId === variantId && entry.key === "channels")?.value;
      return (JSON.parse(value ?? "{}") as { channels?: Record<string, { available: number }> }).channels?.online_store?.available;
    };
    expect([online(shirt!.id), online(tote!.id), online(set!.id)]).toEqual([40, 118, 40]);
    // RING-6's numbers deleted behind Safestock's back: republishing them has no value to put back,
    // so the run's numbers go after its moves, not beside them (docs/decisions/039).
    // (The emulator has no metafieldsDelete: its state is edited, the record and its owner index.)
    const state = (harness.sandbox.shop(shop) as SandboxShopEmulator).state;
    for (const [id, entry] of firstPublication ? state.metafields : []) {
      if (entry.ownerId !== ring!.id || entry.key !== "channels") continue;
      state.metafields.delete(id);
      state.metafieldIndex.delete(metafieldKey(entry.ownerId, entry.namespace, entry.key));
    }
    const start = harness.sandbox.shop(shop).snapshot();

    // Nothing protected: the release is refused, so shirts and totes keep their 2 protected.
    const fault = failWriteNumber(harness, 1, refusal(harness));
    const numbersSent = watchNumbersSent();
    expect(await publishPolicy(shop, NOTHING, { createdBy: "test" })).toMatchObject({ ok: true });
    const report = await reconcileShop(shop, "manual");
    expect(fault.failed?.operation, name).toBe(refusedOperation);
    const refusedItems = new Set((fault.failed!.variables.input as { changes: { inventoryItemId: string }[] }).changes.map((change) => change.inventoryItemId));
    expect(refusedItems).toContain(shirt!.inventoryItemId);
    expect(refusedItems).toContain(tote!.inventoryItemId);

    // Not 42, 120 and 42: the shirts, totes and set keep the numbers of the 2 still protected.
    expect([online(shirt!.id), online(tote!.id), online(set!.id)]).toEqual([40, 118, 40]);
    const refusedVariants = new Set([set!.id, ...start.variants.filter((entry) => refusedItems.has(entry.inventoryItemId)).map((entry) => entry.id)]);
    // Beside the move, the set's numbers landed with the shirts' and totes' and were put back with
    // them; no request sent them otherwise.
    const beside = new Set(((fault.failed!.variables.metafields ?? []) as { ownerId: string }[]).map((entry) => entry.ownerId));
    expect(beside.has(set!.id)).toBe(!firstPublication);
    expect(numbersSent.filter((variantId) => refusedVariants.has(variantId) && !beside.has(variantId))).toEqual([]);
    expect(report.drifted + report.firstPublished).toBe(report.fixed + report.failed);
  }, 90_000);
});

describe("a fresh shop's first reconciliation", () => {
  it("reports its channel numbers as published for the first time, not drifted; a number changed afterwards is drift", async () => {
    const shop = "intents-fresh.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    const channelValues = () => new Map(harness.sandbox.shop(shop).snapshot().metafields.filter((m) => m.key === "channels").map((m) => [m.ownerId, m]));
    // Newly installed: Safestock has published nothing.
    expect(channelValues().size).toBe(0);
    await harness.install(shop);
    await harness.settle();

    // Counted from the shop: every variant carrying channel numbers now got them from this sync.
    const published = channelValues().size;
    expect(published).toBeGreaterThan(0);
    const initial = await prisma.reconciliationReport.findFirstOrThrow({ where: { shop, trigger: "initial" } });
    expect(initial).toMatchObject({ status: "done", firstPublished: published, drifted: 0, fixed: 0, failed: 0 });
    expect(JSON.parse(initial.causes)).toEqual({});
    const page = await loadSyncPage(shop, { deadCursor: null });
    expect(page.reports.find((entry) => entry.id === initial.id)).toMatchObject({ firstPublished: published, drifted: 0 });

    // One variant's published numbers are changed behind Safestock's back: that is drift.
    const [first] = channelValues().values();
    const tampered = (harness.sandbox.shop(shop) as SandboxShopEmulator).state.metafields.get(first!.id)!;
    const value = JSON.parse(tampered.value) as { channels: Record<string, { available: number }> };
    for (const channel of Object.values(value.channels)) channel.available += 7;
    tampered.value = JSON.stringify(value);
    const report = await reconcileShop(shop, "manual");
    expect(report).toMatchObject({ drifted: 1, fixed: 1, firstPublished: 0, failed: 0, causes: { channel_ats: 1 } });
  }, 60_000);
});

describe("each idempotency answer handled by what it means", () => {
  const PROTECT_ALL: Policy = { version: 1, protection: [{ kind: "safety_stock", units: 100_000, sku: "RING-7", location: "Warehouse" }], channels: [] };
  const userError = (code: string, message: string) => () =>
    HttpResponse.json({ data: { inventoryMoveQuantities: { inventoryAdjustmentGroup: null, userErrors: [{ field: null, message, code }] } } });

  /** Every inventoryMoveQuantities key the app sent, in order; `first` answers the first one. */
  function watchMoves(harness: Harness, first: (request: Request) => Promise<Response>) {
    const keys: string[] = [];
    mswServer.use(
      http.post("https://*.myshopify.com/admin/api/2026-10/graphql.json", async ({ request }) => {
        const body = (await request.clone().json()) as { query: string; variables: { idempotencyKey?: string } };
        if (!body.query.includes("mutation SafestockMoveQuantities")) return undefined;
        keys.push(body.variables.idempotencyKey!);
        return keys.length === 1 ? first(request) : undefined;
      }),
    );
    return keys;
  }

  it.each([
    // The move reached Shopify and was applied, the answer was lost: the retry resends the same
    // key and Shopify answers with the original result (applied once, recorded once).
    ["applied, answer lost", "same", async (harness: Harness) => watchMoves(harness, async (request) => (await harness.sandbox.handle(request), internalError()))],
    ["IDEMPOTENCY_CONCURRENT_REQUEST", "same", async (harness: Harness) => watchMoves(harness, async () => userError("IDEMPOTENCY_CONCURRENT_REQUEST", "This request is currently in progress, please try again.")())],
    ["IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", "new", async (harness: Harness) => watchMoves(harness, async () => userError("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", "A previous request with this idempotency key failed. Retry with a new idempotency key.")())],
  ] as const)("%s: the retry uses the %s key and the move lands once, audited once", async (name, key, watch) => {
    const shop = `intents-${name.toLowerCase().replace(/[^a-z]+/g, "-")}.myshopify.com`;
    const harness = await installed(shop);
    expect(await publishPolicy(shop, PROTECT_ALL, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const before = harness.sandbox.shop(shop).snapshot();
    const updates: string[] = [];
    harness.sandbox.shop(shop).onEvent((event) => {
      if (event.type === "inventory_level.updated") updates.push(event.level.id);
    });
    const since = new Date();
    const keys = await watch(harness);
    await receiveStock(harness, shop, "RING-7", "Warehouse", 3);
    await harness.settle();

    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys[1] === keys[0] ? "same" : "new", `retry key ${keys[1]} after ${keys[0]}`).toBe(key);
    const changes = changedLevels(before, harness.sandbox.shop(shop).snapshot());
    // One level changed twice in the shop: the receipt, then exactly one move.
    expect(updates).toHaveLength(2);
    expect(new Set(updates).size).toBe(1);
    // Hand-computed: the 3 received units are protected on top of what was protected already.
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatch(/: (\d+)→(\d+)$/);
    const [, from, to] = changes[0].match(/: (\d+)→(\d+)$/)!;
    expect(Number(to) - Number(from)).toBe(3);
    expect(await auditedLevels(shop, since)).toEqual(changes);
    expect((await jobQueue().stats(shop)).byStatus.dead).toBe(0);
    expect(await prisma.writeIntent.count({ where: { shop, status: "pending" } })).toBe(0);
  }, 60_000);
});
