/**
 * Backtest before Publish (issue 21 §1–2, docs/decisions/033): the previewed policy, the one in
 * force and no protection replayed on the shop's past orders, read from Shopify, with the
 * channels' refresh windows and Safestock's measured sync lag; and per oversold SKU the smallest
 * buffer that would have prevented it, which "Apply as draft" writes into the rules draft (never
 * a publish). A queued job (`backtest`) does the reading and replaying, storing progress on the
 * preview row so the Preview page shows a progress bar, as the preview itself does.
 */
import { compilePolicy, DRAFT_NOT_EDITABLE, editableDraft, type Policy } from "~/domain";
import {
  runBacktest,
  suggestBuffers,
  suggestReserves,
  withChannelReserve,
  withSkuBuffer,
  type BacktestFigures,
  type BacktestInput,
  type BacktestOrder,
  type StoredBacktest,
} from "~/domain/backtest";
import { listLocations, locationInfo } from "~/models/catalog.server";
import { flaggedExposuresSince } from "~/models/order-exposure.server";
import { getPolicyDraft, savePolicyDraft } from "~/models/policy-draft.server";
import { finishPreviewBacktest, getPolicyPreview, startPreviewBacktest, updateBacktestProgress } from "~/models/policy-preview.server";
import { currentPolicy } from "~/models/policy.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import { wallClockAt } from "~/shared/wall-clock";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { levelPagingFor, readInventoryItems, type ShopifyItem } from "~/shopify/inventory.server";
import { countPastOrders, readPastOrders, type PastOrder } from "~/shopify/past-orders.server";
import type { JobHandler } from "~/jobs/worker.server";
import { jobQueue } from "./jobs.server";
import { checkPolicyForShop } from "./policy-check.server";
import { EMPTY_POLICY, loadShopContext, VELOCITY_WINDOW_MS } from "./sync-context.server";
import { withFencePublications } from "./sync-items.server";
import { channelOfSource } from "./webhook-processing.server";

/** The queue the backtest runs on (app/services/job-handlers.server.ts). */
export const BACKTEST_QUEUE = "backtest";
/** 30 days: within the 60 days `read_orders` reaches (https://shopify.dev/docs/api/usage/access-scopes). */
export const BACKTEST_WINDOW_DAYS = 30;
const BACKTEST_ATTEMPTS = 3;
const SHOWN_ROWS = 20;
const CHART_POINTS = 12;


export type StartBacktestResult = { ok: true } | { ok: false; problem: string };

/** Queues the backtest of a preview (one at a time per preview: a second click merges into the waiting job). */
export async function startBacktest(shop: string, previewId: string): Promise<StartBacktestResult> {
  const row = await getPolicyPreview(shop, previewId);
  if (!row) return { ok: false, problem: "This preview no longer exists; preview again." };
  if (row.backtestStatus === "running") return { ok: true };
  await startPreviewBacktest(shop, previewId);
  await jobQueue().enqueue({ shop, queue: BACKTEST_QUEUE, key: `backtest:${previewId}`, payload: { previewId }, maxAttempts: BACKTEST_ATTEMPTS });
  return { ok: true };
}

/** Reads the window's orders and replays them; idempotent (a retry starts over). */
export async function computeBacktest(shop: string, previewId: string, { client, now = new Date() }: { client?: AdminClient; now?: Date } = {}): Promise<void> {
  const row = await getPolicyPreview(shop, previewId);
  if (!row || row.backtestStatus !== "running") return;
  const candidateCheck = await checkPolicyForShop(shop, JSON.parse(row.document));
  if (!candidateCheck.ok) {
    await finishPreviewBacktest(row.id, { status: "failed", error: candidateCheck.problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ") });
    return;
  }
  const admin = client ?? (await adminClientForShop(shop));
  const since = new Date(now.getTime() - BACKTEST_WINDOW_DAYS * 86_400_000);
  await updateBacktestProgress(row.id, { processed: 0, total: await countPastOrders(admin, since) });
  const orders = await readPastOrders(admin, since, (read) => updateBacktestProgress(row.id, { processed: read }));
  const [current, context] = await Promise.all([currentPolicy(shop), loadShopContext(shop, now)]);
  const currentDocument = (current?.document as Policy | undefined) ?? EMPTY_POLICY;
  const candidate = candidateCheck.value;
  // Stock now, read from Shopify right after the orders so that both describe the same moment; only
  // the items the orders name matter (an item without orders adds nothing to any figure).
  const read = await readInventoryItems(admin, [...new Set(orders.flatMap((order) => order.lines.map((line) => line.inventoryItemId)))], levelPagingFor(context.locations.length));
  // A fence skips a product not published on its channel, in the replay as when published (docs/decisions/045).
  const fences = { shop, channels: context.channels, policies: [context.policy.compiled, compilePolicy(candidate)] };
  const stock = await withFencePublications(fences, admin, read, "read links");
  const input = { ...(await backtestInput(shop, orders, stock, [currentDocument, candidate], context.syncLagMinutes * 60)), window: { from: since.getTime(), to: now.getTime() } };
  const report = runBacktest(input, [
    { label: "No protection", policy: undefined },
    { label: current ? `In force (v${current.version})` : "In force", policy: currentDocument },
    { label: row.source === "rollback" ? `Version ${row.version}` : "Your draft", policy: candidate },
  ]);
  const suggestions = suggestBuffers(input, candidate, report.runs[2]!)
    .sort((a, b) => b.oversoldUnits - a.oversoldUnits || a.sku.localeCompare(b.sku))
    .slice(0, SHOWN_ROWS);
  const reserveSuggestions = suggestReserves(input, candidate, report.runs[2]!)
    .sort((a, b) => b.oversoldUnits - a.oversoldUnits || a.sku.localeCompare(b.sku))
    .slice(0, SHOWN_ROWS);
  const stored: StoredBacktest = {
    windowDays: BACKTEST_WINDOW_DAYS,
    orders: orders.length,
    syncLagSeconds: Math.round(context.syncLagMinutes * 60),
    refreshSeconds: { ...input.refreshSeconds },
    runs: report.runs.map((run) => ({ label: run.label, total: run.total, byChannel: run.byChannel })),
    groups: topGroups(report.runs.map((run) => run.byGroup)),
    chart: report.runs.map((run) => ({ label: run.label, oversold: run.series.oversoldUnits, withheld: run.series.withheldUnits })),
    chartLabels: chartLabels(report.bucketStarts, await shopTimeZone(shop)),
    suggestions,
    reserveSuggestions,
    recorded: await recordedOversells(shop, since),
  };
  await finishPreviewBacktest(row.id, { status: "done", result: stored });
}

/** Oversold units and orders Safestock recorded as the orders arrived (app/services/near-miss.server.ts). */
async function recordedOversells(shop: string, since: Date) {
  const flagged = await flaggedExposuresSince(shop, since);
  const oversold = flagged.filter((line) => line.oversoldUnits > 0);
  return { oversoldUnits: oversold.reduce((sum, line) => sum + line.oversoldUnits, 0), oversoldOrders: new Set(oversold.map((line) => line.orderId)).size };
}

/**
 * "12-01" per point over days, "10:30" within a day or two, on the shop's clock as every other time
 * the pages show (not UTC): short enough for 12 labels side by side.
 */
export function chartLabels(starts: number[], timeZone: string): string[] {
  const span = starts.length > 1 ? starts[starts.length - 1]! - starts[0]! : 0;
  return starts.map((start) => (span >= 2 * 86_400_000 ? wallClockAt(start, timeZone).slice(5, 10) : wallClockAt(start, timeZone).slice(11, 16)));
}

function topGroups(byGroup: Record<string, BacktestFigures>[]): StoredBacktest["groups"] {
  const names = new Set(byGroup.flatMap((groups) => Object.keys(groups)));
  const weight = (group: string) => Math.max(...byGroup.map((groups) => (groups[group]?.oversoldUnits ?? 0) + (groups[group]?.withheldUnits ?? 0)));
  return [...names]
    .filter((group) => weight(group) > 0)
    .sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))
    .slice(0, SHOWN_ROWS)
    .map((group) => ({ group, figures: byGroup.map((groups) => groups[group] ?? zero()) }));
}

function zero(): BacktestFigures {
  return { orders: 0, soldUnits: 0, filledUnits: 0, oversoldOrders: 0, oversoldUnits: 0, refusedOrders: 0, withheldUnits: 0, net: 0 };
}

/**
 * The replay's input. Opening stock is reconstructed backwards: each level's sellable units now
 * (on hand less committed, reserved, damaged and quality control, read from Shopify), plus what the
 * window's orders took and did not give back (`addBackWhatOrdersTook`; the order's location is
 * not read). Receipts in the window are not known, so they count as opening
 * stock (docs/decisions/033, Consequences).
 */
async function backtestInput(shop: string, orders: PastOrder[], stock: ShopifyItem[], policies: Policy[], syncLagSeconds: number): Promise<BacktestInput> {
  const locations = await listLocations(shop);
  const levels: { item: string; sku: string; location: string; units: number }[] = [];
  /** Per level (same index): units committed now. */
  const committed: number[] = [];
  const online = new Set(locations.filter((location) => location.isActive && location.fulfillsOnlineOrders).map((location) => location.name));
  const items = stock.map((item) => ({
    item: item.inventoryItemId,
    sku: item.sku,
    product: item.productTitle,
    tags: item.tags,
    group: item.productTitle || item.sku,
    ...(item.unpublishedChannels ? { unpublishedChannels: item.unpublishedChannels } : {}),
  }));
  for (const item of stock) {
    for (const level of item.levels) {
      const q = level.quantities;
      levels.push({ item: item.inventoryItemId, sku: item.sku, location: level.locationName, units: q.on_hand - q.committed - q.reserved - q.damaged - q.quality_control });
      committed.push(q.committed);
    }
  }
  const backtestOrders = orders.map(orderOf);
  addBackWhatOrdersTook(levels, committed, online, backtestOrders);
  const refreshSeconds: Record<string, number> = {};
  for (const policy of policies) {
    for (const rule of policy.channels) {
      if (rule.refreshSeconds !== undefined) refreshSeconds[rule.channel] = Math.max(refreshSeconds[rule.channel] ?? 0, rule.refreshSeconds);
    }
  }
  return {
    levels,
    items,
    orders: backtestOrders,
    refreshSeconds,
    syncLagSeconds,
    velocityWindowMinutes: VELOCITY_WINDOW_MS / 60_000,
    locations: locations.map(locationInfo),
    buckets: CHART_POINTS,
  };
}

function orderOf(order: PastOrder): BacktestOrder {
  return {
    id: order.id,
    channel: channelOfSource(order.sourceName),
    at: order.processedAt.getTime(),
    lines: order.lines.map((line) => ({ item: line.inventoryItemId, sku: line.sku, quantity: line.quantity })),
    ...(order.cancelledAt ? { cancelledAt: order.cancelledAt.getTime(), restocked: order.restocked.size > 0 } : {}),
  };
}

/**
 * Gives each item back what the window's orders took: first where those units still sit in
 * `committed` (Shopify's routing put them there), the rest (fulfilled since) at the item's
 * best-stocked location that fills online orders.
 */
function addBackWhatOrdersTook(levels: { item: string; location: string; units: number }[], committed: number[], online: ReadonlySet<string>, orders: BacktestOrder[]) {
  const taken = new Map<string, number>();
  for (const order of orders) {
    if (order.restocked) continue;
    for (const line of order.lines) taken.set(line.item, (taken.get(line.item) ?? 0) + line.quantity);
  }
  const levelsOf = new Map<string, number[]>();
  levels.forEach((level, index) => {
    const list = levelsOf.get(level.item);
    if (list) list.push(index);
    else levelsOf.set(level.item, [index]);
  });
  for (const [item, units] of taken) {
    const indexes = levelsOf.get(item) ?? [];
    if (indexes.length === 0) continue;
    let left = units;
    for (const index of [...indexes].sort((a, b) => committed[b]! - committed[a]!)) {
      const back = Math.min(left, Math.max(0, committed[index]!));
      levels[index]!.units += back;
      left -= back;
    }
    if (left <= 0) continue;
    const candidates = indexes.filter((index) => online.has(levels[index]!.location));
    const best = (candidates.length > 0 ? candidates : indexes).reduce((a, b) => (levels[b]!.units > levels[a]!.units ? b : a));
    levels[best]!.units += left;
  }
}

/** The Preview page's backtest panel: progress while running, the figures when done. */
export async function loadBacktest(shop: string, previewId: string) {
  const row = await getPolicyPreview(shop, previewId);
  if (!row || row.backtestStatus === null) return null;
  return {
    status: row.backtestStatus as "running" | "done" | "failed",
    processed: row.backtestProcessed,
    total: row.backtestTotal,
    error: row.backtestError,
    result: row.backtest ? (JSON.parse(row.backtest) as StoredBacktest) : null,
  };
}

export type ApplySuggestionResult = { ok: true; sku: string; units: number; channel?: string } | { ok: false; problem: string };

/**
 * Puts a suggestion into the rules draft (the draft if there is one, else the version in force as a
 * new draft), every other rule kept: a buffer replaces the SKU's own safety stock rule; a
 * marketplace reserve (`channel` given) sets that channel's fixed ring fence, which the policy
 * format applies to every SKU the channel sells (docs/decisions/033). Nothing is published: the
 * merchant previews and publishes the draft as any other change.
 */
export async function applySuggestionAsDraft(
  shop: string,
  sku: string,
  units: number,
  { updatedBy, channel }: { updatedBy: string; channel?: string },
): Promise<ApplySuggestionResult> {
  if (!sku || !Number.isInteger(units) || units < 1 || units > 1_000_000) return { ok: false, problem: "This suggestion cannot be applied; run the backtest again." };
  const [draft, current] = await Promise.all([getPolicyDraft(shop), currentPolicy(shop)]);
  const base = draft && draft.document !== null ? editableDraft(draft.document) : ((current?.document ?? EMPTY_POLICY) as Policy);
  if (!base) return { ok: false, problem: `The suggestion was not applied: ${DRAFT_NOT_EDITABLE}.` };
  const document = channel ? withChannelReserve(base, channel, units) : withSkuBuffer(base, sku, units);
  const check = await checkPolicyForShop(shop, document);
  if (!check.ok) return { ok: false, problem: check.problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ") };
  await savePolicyDraft(shop, { document, basedOnVersion: draft?.basedOnVersion ?? current?.version ?? null, updatedBy });
  return channel ? { ok: true, sku, units, channel } : { ok: true, sku, units };
}

async function failBacktest(id: string, error: unknown) {
  console.error("backtest failed", { previewId: id, error });
  await finishPreviewBacktest(id, { status: "failed", error: error instanceof Error ? error.message : String(error) });
}

/** The backtest job: retried with backoff; on its last attempt a failure is shown on the page. */
export function backtestJobHandlers(): Record<string, JobHandler> {
  return {
    [BACKTEST_QUEUE]: async (job) => {
      const id = String((job.payload as { previewId?: unknown })?.previewId ?? "");
      try {
        await computeBacktest(job.shop, id);
      } catch (error) {
        if (job.attempts >= job.maxAttempts) await failBacktest(id, error);
        throw error;
      }
    },
  };
}
