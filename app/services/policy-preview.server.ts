/**
 * Preview of a policy change over the whole catalog before anything is written: the rules
 * engine (`planAvailability`) runs twice over the same snapshot of the catalog — once with the
 * policy in force, once with the candidate — and the two plans are compared. Because both plans
 * read the same quantities, every difference is the policy's doing.
 *
 * The snapshot is the last state the pipeline read from Shopify (LevelState quantities), sales
 * velocity, measured sync lag and running holds: exactly what the next reconciliation plans from.
 * With a ring fence in either policy, it also reads from Shopify which products are off the fenced
 * channels, as the sync does, since a fence skips them (docs/decisions/045).
 * Large catalogs are computed in the background by a job on the durable queue (`policy-preview`),
 * in chunks, with progress stored on the preview row so the page can show a progress bar; the
 * job survives a restart of the app or the worker.
 */
import { compilePolicy, type CompiledPolicy, type Plan, type Policy, type Problem } from "~/domain";
import { planWithFreeze } from "~/domain/write-plan";
import { catalogPage, catalogSize, listChannels, listLocations } from "~/models/catalog.server";
import { levelQuantitiesOf, publishedReservesOf, storedChannelStates } from "~/models/sync-state.server";
import { withSalesSinceListed } from "~/models/telemetry.server";
import { deletePolicyDraft, getPolicyDraft } from "~/models/policy-draft.server";
import {
  createPolicyPreview,
  finishPolicyPreview,
  getPolicyPreview,
  prunePolicyPreviews,
  updatePreviewProgress,
  type PreviewSource,
} from "~/models/policy-preview.server";
import { currentPolicy, policyVersion } from "~/models/policy.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import type { ShopifyItem } from "~/shopify/inventory.server";
import type { JobHandler } from "~/jobs/worker.server";
import { formatDateTime, localTimesIn, variantName } from "./display-view.server";
import { jobQueue } from "./jobs.server";
import { checkPolicyForShop } from "./policy-check.server";
import { notAVersionNumber, publishPolicy, rollbackPolicy, type PublishPolicyResult } from "./policy.server";
import { snapshotFor, withFencePublications, type FenceScope } from "./sync-items.server";
import { EMPTY_POLICY, forItems, loadShopContext, type ShopContext } from "./sync-context.server";

/** Items planned per chunk: small enough to report progress often, large enough to keep queries few. */
export const PREVIEW_CHUNK_ITEMS = 500;
/** Up to this many items the action computes the result itself; above it a queued job does, and the page shows a progress bar. */
export const PREVIEW_INLINE_ITEMS = 1_000;
export const BIGGEST_CHANGES = 20;

export interface PreviewChange {
  /** The variant's inventory item (twins share a SKU; some variants have none). */
  item: string;
  sku: string;
  /** "Tee / Blue": which variant, in words. */
  variant: string;
  /** A location name (protection) or a channel handle (available to sell). */
  where: string;
  kind: "protected" | "channel";
  before: number;
  after: number;
  pausedBefore?: boolean;
  pausedAfter?: boolean;
  reasonsBefore: string[];
  reasonsAfter: string[];
}

export interface PreviewSummary {
  items: number;
  levels: number;
  levelsChanged: number;
  /** Units that would start being withheld (sum of increases in protected). */
  unitsIntoProtection: number;
  /** Units that would go back on sale (sum of decreases in protected). */
  unitsOutOfProtection: number;
  channelNumbersChanged: number;
  /** Per channel: SKUs that would pause / resume. */
  pausing: Record<string, number>;
  resuming: Record<string, number>;
  biggest: PreviewChange[];
}

const reasons = (lines: readonly { reason: string }[]) => lines.map((line) => line.reason);

/**
 * Each channel plan of `before` with the same item's same channel in `after`. Not by position: a
 * plan lists the policy's channels first, in the policy's order, so two policies order them
 * differently (app/domain/plan.ts `plannedChannels`).
 */
function channelPairs(before: Plan, after: Plan): [Plan["channels"][number], Plan["channels"][number]][] {
  const next = new Map(after.channels.map((channel) => [`${channel.item}|${channel.channel}`, channel]));
  return before.channels.flatMap((old) => {
    const paired = next.get(`${old.item}|${old.channel}`);
    return paired ? [[old, paired]] : [];
  });
}

/** Accumulates the comparison of two plans of the same snapshot, chunk by chunk. */
export class PlanDiff {
  readonly summary: PreviewSummary = {
    items: 0,
    levels: 0,
    levelsChanged: 0,
    unitsIntoProtection: 0,
    unitsOutOfProtection: 0,
    channelNumbersChanged: 0,
    pausing: {},
    resuming: {},
    biggest: [],
  };

  /** `names`: each inventory item's variant in words ("Tee / Blue"). */
  add(before: Plan, after: Plan, items: number, names: ReadonlyMap<string, string> = new Map()): void {
    const s = this.summary;
    s.items += items;
    // Both plans come from one snapshot: the same levels in the same order.
    before.levels.forEach((old, i) => {
      const next = after.levels[i]!;
      s.levels++;
      if (old.protected === next.protected) return;
      s.levelsChanged++;
      const delta = next.protected - old.protected;
      if (delta > 0) s.unitsIntoProtection += delta;
      else s.unitsOutOfProtection -= delta;
      this.consider({
        item: old.item,
        sku: old.sku,
        variant: names.get(old.item) ?? "",
        where: old.location,
        kind: "protected",
        before: old.protected,
        after: next.protected,
        reasonsBefore: reasons(old.explain),
        reasonsAfter: reasons(next.explain),
      });
    });
    for (const [old, next] of channelPairs(before, after)) {
      if (old.available === next.available && old.paused === next.paused) continue;
      s.channelNumbersChanged++;
      if (!old.paused && next.paused) s.pausing[old.channel] = (s.pausing[old.channel] ?? 0) + 1;
      if (old.paused && !next.paused) s.resuming[old.channel] = (s.resuming[old.channel] ?? 0) + 1;
      this.consider({
        item: old.item,
        sku: old.sku,
        variant: names.get(old.item) ?? "",
        where: old.channel,
        kind: "channel",
        before: old.available,
        after: next.available,
        pausedBefore: old.paused,
        pausedAfter: next.paused,
        reasonsBefore: reasons(old.explain),
        reasonsAfter: reasons(next.explain),
      });
    }
  }

  /** Keeps the BIGGEST_CHANGES largest by |after − before| (ties: SKU, variant, then place, for a stable list). */
  private consider(change: PreviewChange): void {
    const list = this.summary.biggest;
    list.push(change);
    list.sort(
      (a, b) =>
        Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || a.sku.localeCompare(b.sku) || a.item.localeCompare(b.item) || a.where.localeCompare(b.where),
    );
    if (list.length > BIGGEST_CHANGES) list.length = BIGGEST_CHANGES;
  }
}

type StoredLevelRow = { inventoryItemId: string; locationId: string; quantities: string };

/** Stored rows → the item shape the pipeline's snapshot builder takes (quantities as last read). */
function itemsFromStoredState(
  catalog: { inventoryItemId: string; variantId: string; productId: string; sku: string; productTitle: string; variantTitle: string; tags: string }[],
  levels: StoredLevelRow[],
  locations: Map<string, { name: string; isActive: boolean }>,
): ShopifyItem[] {
  const byItem = new Map<string, StoredLevelRow[]>();
  for (const level of levels) {
    const list = byItem.get(level.inventoryItemId);
    if (list) list.push(level);
    else byItem.set(level.inventoryItemId, [level]);
  }
  return catalog.map((item) => ({
    inventoryItemId: item.inventoryItemId,
    sku: item.sku,
    tracked: true,
    leftAlone: null,
    isBundle: false,
    // Not stored: a component is told by its bundle links, read only when a fence needs it (withFencePublications).
    inBundle: null,
    variantId: item.variantId,
    variantTitle: item.variantTitle,
    productId: item.productId,
    productTitle: item.productTitle,
    tags: parseList(item.tags),
    channelMetafield: null,
    levels: (byItem.get(item.inventoryItemId) ?? [])
      .filter((level) => locations.has(level.locationId))
      .map((level) => {
        const q = parseQuantities(level.quantities);
        const location = locations.get(level.locationId)!;
        return {
          levelId: `${level.inventoryItemId}|${level.locationId}`,
          locationId: level.locationId,
          locationName: location.name,
          locationActive: location.isActive,
          quantities: {
            available: q.available ?? 0,
            on_hand: q.on_hand ?? 0,
            committed: q.committed ?? 0,
            reserved: q.reserved ?? 0,
            damaged: q.damaged ?? 0,
            safety_stock: q.safety_stock ?? 0,
            quality_control: q.quality_control ?? 0,
            incoming: q.incoming ?? 0,
          },
        };
      }),
  })) as ShopifyItem[];
}

function parseList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
  } catch {
    return [];
  }
}

function parseQuantities(text: string): Record<string, number> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/**
 * Where the fences of the plans compared come from: each item is marked with the fenced channels
 * its product is not published on, read as the sync reads it (docs/decisions/045), so the
 * preview withholds what a published policy would. `policies`: both plans' (the one in force
 * fences only published products too). Without a fence in either, nothing is read.
 */
interface PreviewFences {
  scope: FenceScope;
  client: () => Promise<AdminClient>;
}

function previewFences(shop: string, base: ShopContext, candidate: CompiledPolicy, client?: AdminClient): PreviewFences {
  let admin: Promise<AdminClient> | undefined;
  return {
    scope: { shop, channels: base.channels, policies: [base.policy.compiled, candidate] },
    client: () => (admin ??= client ? Promise.resolve(client) : adminClientForShop(shop)),
  };
}

/** The catalog snapshot of a page of items (keyset by inventory item id), as the engine's input. */
async function snapshotPage(
  shop: string,
  base: ShopContext,
  locations: Map<string, { name: string; isActive: boolean }>,
  catalog: Awaited<ReturnType<typeof catalogPage>>,
  fences: PreviewFences,
) {
  const ids = catalog.map((item) => item.inventoryItemId);
  // The reserves the items last listed too: a self-sizing reserve held at its peak previews as it would publish (docs/decisions/032).
  const [levels, context, channels] = await Promise.all([levelQuantitiesOf(shop, ids), forItems(base, ids, base.now), storedChannelStates(shop, ids)]);
  const items = await withFencePublications(fences.scope, fences.client, itemsFromStoredState(catalog, levels, locations), "read links");
  return snapshotFor(context, items, await withSalesSinceListed(shop, publishedReservesOf(channels), context.syncLagMinutes));
}

function variantNames(catalog: readonly { inventoryItemId: string; productTitle: string; variantTitle: string }[]): Map<string, string> {
  return new Map(catalog.map((item) => [item.inventoryItemId, variantName(item)]));
}

async function locationMap(shop: string) {
  return new Map((await listLocations(shop)).map((location) => [location.locationId, { name: location.name, isActive: location.isActive }]));
}

/** Plans the whole catalog with both policies, chunk by chunk, reporting progress after each chunk. */
export async function diffCatalog(
  shop: string,
  candidate: CompiledPolicy,
  { now = new Date(), onProgress, client }: { now?: Date; onProgress?: (processed: number) => Promise<void>; client?: AdminClient } = {},
): Promise<PreviewSummary> {
  const [base, locations] = await Promise.all([loadShopContext(shop, now), locationMap(shop)]);
  const fences = previewFences(shop, base, candidate, client);
  const diff = new PlanDiff();
  let after: string | null = null;
  for (;;) {
    const catalog = await catalogPage(shop, { after, take: PREVIEW_CHUNK_ITEMS });
    if (catalog.length === 0) break;
    const snapshot = await snapshotPage(shop, base, locations, catalog, fences);
    const before = planWithFreeze(base.policy.compiled, snapshot, { now: now.toISOString(), freeze: base.freeze });
    const next = planWithFreeze(candidate, snapshot, { now: now.toISOString(), freeze: base.freeze });
    diff.add(before, next, catalog.length, variantNames(catalog));
    after = catalog[catalog.length - 1]!.inventoryItemId;
    await onProgress?.(diff.summary.items);
    // Let the server answer other requests between chunks.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return diff.summary;
}

export type StartPreviewResult =
  | { ok: true; id: string; total: number; queued: boolean }
  | { ok: false; problems: Problem[] };

/** The queue Preview's background computation runs on (app/services/job-handlers.server.ts). */
export const PREVIEW_QUEUE = "policy-preview";
/** A preview that fails this many times reads as failed (with the last error) instead of retrying. */
const PREVIEW_ATTEMPTS = 3;

/**
 * Starts a preview of the shop's draft, or of republishing an earlier version (rollback). The
 * candidate is checked first by the one policy check (the same as Publish); an invalid one is refused with the
 * problems and nothing is computed. Small catalogs are computed before this returns; larger ones
 * by a queued job (`queued: true`), whose progress the Preview page shows.
 */
export async function startPreview(
  shop: string,
  request: { source: "draft" } | { source: "rollback"; version: number },
  { createdBy, inlineUpTo = PREVIEW_INLINE_ITEMS }: { createdBy: string; inlineUpTo?: number },
): Promise<StartPreviewResult> {
  let document: unknown;
  if (request.source === "draft") {
    const draft = await getPolicyDraft(shop);
    if (!draft) return { ok: false, problems: [{ path: "draft", message: "there is no draft to preview: change a rule first" }] };
    document = draft.document;
  } else {
    const notAVersion = notAVersionNumber(request.version);
    if (notAVersion) return { ok: false, problems: [notAVersion] };
    const stored = await policyVersion(shop, request.version);
    if (!stored) return { ok: false, problems: [{ path: "version", message: `v${request.version} does not exist` }] };
    document = stored.document;
  }
  const validation = await checkPolicyForShop(shop, document);
  if (!validation.ok) return { ok: false, problems: [...validation.problems] };

  const [current, total] = await Promise.all([currentPolicy(shop), catalogSize(shop)]);
  const source: PreviewSource = request.source;
  const row = await createPolicyPreview(shop, {
    source,
    version: request.source === "rollback" ? request.version : null,
    baseVersion: current?.version ?? null,
    document,
    total,
    createdBy,
  });
  await prunePolicyPreviews(shop);
  if (total <= inlineUpTo) {
    // The merchant waits on this request anyway, and a small catalog takes well under a second.
    await computePreview(shop, row.id).catch((error: unknown) => failPreview(shop, row.id, error));
    return { ok: true, id: row.id, total, queued: false };
  }
  // A durable job: it survives a restart of the app or the worker (started again from the first item).
  await jobQueue().enqueue({ shop, queue: PREVIEW_QUEUE, key: `preview:${row.id}`, payload: { previewId: row.id }, maxAttempts: PREVIEW_ATTEMPTS });
  return { ok: true, id: row.id, total, queued: true };
}

/**
 * Computes a stored preview from its candidate document and stores the result. Idempotent: a
 * preview that already finished is left alone; one interrupted by a restart starts over.
 */
export async function computePreview(shop: string, id: string): Promise<void> {
  const row = await getPolicyPreview(shop, id);
  if (!row || row.status !== "running") return;
  await updatePreviewProgress(row.id, 0);
  const validation = await checkPolicyForShop(shop, JSON.parse(row.document));
  if (!validation.ok) {
    // The shop changed since (a location renamed, a SKU deleted): say what, do not retry.
    await finishPolicyPreview(row.id, { status: "failed", error: validation.problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ") });
    return;
  }
  const summary = await diffCatalog(shop, compilePolicy(validation.value), { onProgress: (processed) => updatePreviewProgress(row.id, processed) });
  await finishPolicyPreview(row.id, { status: "done", result: summary });
}

async function failPreview(shop: string, id: string, error: unknown) {
  console.error("policy preview failed", { shop, previewId: id, error });
  await finishPolicyPreview(id, { status: "failed", error: error instanceof Error ? error.message : String(error) });
}

/** The Preview job: retried with backoff; on its last attempt a failure is shown on the page. */
export function previewJobHandlers(): Record<string, JobHandler> {
  return {
    [PREVIEW_QUEUE]: async (job) => {
      const id = String((job.payload as { previewId?: unknown })?.previewId ?? "");
      try {
        await computePreview(job.shop, id);
      } catch (error) {
        if (job.attempts >= job.maxAttempts) await failPreview(job.shop, id, error);
        throw error;
      }
    },
  };
}

/**
 * A queued preview survives restarts, but one computed in a request that died (small catalogs)
 * never finishes: after this long without finishing it reads as failed.
 */
const STALE_PREVIEW_MS = 60 * 60_000;

/** The preview page: progress while running; the summary, biggest changes and an optional SKU drill-down when done. */
export async function loadPreview(shop: string, id: string, { sku, now = new Date() }: { sku?: string | null; now?: Date } = {}) {
  const row = await getPolicyPreview(shop, id);
  if (!row) return null;
  const [current, channels, timeZone] = await Promise.all([currentPolicy(shop), listChannels(shop), shopTimeZone(shop)]);
  const stale = row.status === "running" && now.getTime() - row.createdAt.getTime() > STALE_PREVIEW_MS;
  const document = JSON.parse(row.document) as Policy;
  return {
    id: row.id,
    source: row.source as PreviewSource,
    version: row.version,
    status: stale ? ("failed" as const) : (row.status as "running" | "done" | "failed"),
    error: stale ? "The preview stopped before it finished; start it again." : row.error,
    processed: row.processed,
    total: row.total,
    createdAt: formatDateTime(row.createdAt, timeZone),
    /** The policy in force changed since: publishing would compare against something else. */
    outdated: (current?.version ?? null) !== row.baseVersion,
    baseVersion: row.baseVersion,
    summary: row.result ? inShopTime(JSON.parse(row.result) as PreviewSummary, timeZone) : null,
    drillDown: sku ? await drillDown(shop, document, sku, now).then((found) => ({ ...found, changes: found.changes.map((change) => changeInShopTime(change, timeZone)) })) : null,
    /** Each channel's name as the merchant knows it ("Point of Sale"): the plans speak in handles. */
    channelNames: Object.fromEntries(channels.map((channel) => [channel.handle, channel.name])) as Record<string, string>,
  };
}

/** A change's reasons with their instants in the shop's zone (the plans write UTC: display-view `localTimesIn`). */
function changeInShopTime(change: PreviewChange, timeZone: string): PreviewChange {
  return { ...change, reasonsBefore: change.reasonsBefore.map((reason) => localTimesIn(reason, timeZone)), reasonsAfter: change.reasonsAfter.map((reason) => localTimesIn(reason, timeZone)) };
}

function inShopTime(summary: PreviewSummary, timeZone: string): PreviewSummary {
  return { ...summary, biggest: summary.biggest.map((change) => changeInShopTime(change, timeZone)) };
}

/** Every variant carrying one SKU, each planned on its own stock with both policies: every level and channel with its reasons before and after. */
async function drillDown(shop: string, candidate: Policy, sku: string, now: Date) {
  const catalog = await catalogPage(shop, { after: null, take: 5, sku });
  if (catalog.length === 0) return { sku, found: false as const, changes: [] as PreviewChange[] };
  const [base, locations] = await Promise.all([loadShopContext(shop, now), locationMap(shop)]);
  const compiled = compilePolicy(candidate ?? EMPTY_POLICY);
  const snapshot = await snapshotPage(shop, base, locations, catalog, previewFences(shop, base, compiled));
  const before = planWithFreeze(base.policy.compiled, snapshot, { now: now.toISOString(), freeze: base.freeze });
  const after = planWithFreeze(compiled, snapshot, { now: now.toISOString(), freeze: base.freeze });
  const names = variantNames(catalog);
  const changes: PreviewChange[] = [
    ...before.levels.map((old, i) => ({
      item: old.item,
      sku: old.sku,
      variant: names.get(old.item) ?? "",
      where: old.location,
      kind: "protected" as const,
      before: old.protected,
      after: after.levels[i]!.protected,
      reasonsBefore: reasons(old.explain),
      reasonsAfter: reasons(after.levels[i]!.explain),
    })),
    ...channelPairs(before, after).map(([old, next]) => ({
      item: old.item,
      sku: old.sku,
      variant: names.get(old.item) ?? "",
      where: old.channel,
      kind: "channel" as const,
      before: old.available,
      after: next.available,
      pausedBefore: old.paused,
      pausedAfter: next.paused,
      reasonsBefore: reasons(old.explain),
      reasonsAfter: reasons(next.explain),
    })),
  ];
  return { sku, found: true as const, changes };
}

/**
 * Publishes what a finished preview showed: the draft (which is then cleared) or the rollback.
 * Refused when the preview no longer matches: the draft changed since, or another version was
 * published meanwhile (the numbers shown would be wrong).
 */
export async function publishPreview(shop: string, id: string, { createdBy, note }: { createdBy: string; note: string | null }): Promise<PublishPolicyResult> {
  const row = await getPolicyPreview(shop, id);
  if (!row) return { ok: false, problems: [{ path: "preview", message: "this preview no longer exists; preview again" }] };
  if (row.status !== "done") return { ok: false, problems: [{ path: "preview", message: "the preview has not finished yet" }] };
  const current = await currentPolicy(shop);
  if ((current?.version ?? null) !== row.baseVersion) {
    return { ok: false, problems: [{ path: "preview", message: `version ${current?.version} was published after this preview; preview again` }] };
  }
  if (row.source === "rollback" && row.version !== null) return rollbackPolicy(shop, row.version, { createdBy });
  const draft = await getPolicyDraft(shop);
  if (!draft || JSON.stringify(draft.document) !== row.document) {
    return { ok: false, problems: [{ path: "draft", message: "the draft changed after this preview; preview again" }] };
  }
  const result = await publishPolicy(shop, JSON.parse(row.document), { createdBy, note });
  if (result.ok) await deletePolicyDraft(shop);
  return result;
}
