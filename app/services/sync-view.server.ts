import { listReconciliationReports } from "~/models/reconciliation.server";
import { getShopInstallation, timeZoneOf } from "~/models/shop-installation.server";
import { recentDeliveries } from "~/models/webhook-delivery.server";
import { formatDateTime, formatDateTimeToTheSecond, formatMillis } from "./display-view.server";
import { enqueueReconcile, jobQueue } from "./jobs.server";
import { shopifyFailingView } from "./shopify-health.server";
import { describeClockSkew } from "~/domain/webhook-health";
import { shopifyClockSkewMs } from "./clock-skew.server";

/** Webhook health looks at the last day of deliveries. */
/** Reconciliation causes (reconcile.server.ts) in the merchant's words, not the audit subjects. */
const CAUSE_LABELS: Record<string, string> = {
  safety_stock: "Safety stock",
  channel_ats: "Channel numbers",
  publication: "Product publishing",
  stale_after_retries: "Still changing after retries",
};

/** What each queue's job does, as the Failed jobs table names it (queues: app/services/jobs.server.ts and the feature services). */
const JOB_WORK: Record<string, string> = {
  "initial-sync": "First import from Shopify",
  reconcile: "Reconciliation",
  recompute: "Update one item's protected units and channel numbers",
  webhook: "Act on a webhook from Shopify",
  "policy-preview": "Policy preview",
  backtest: "Backtest",
  "flow-trigger": "Send a Shopify Flow trigger",
};

/**
 * A dead job's error in the merchant's words, by the error's name (the stack's first word): what
 * happened and what Retry does. Unknown errors say so; the raw line stays beside it for support.
 */
const ACCESS_REFUSED = "Shopify refused Safestock's access token. Open Safestock from your Shopify admin to restore access, then Retry.";
const JOB_PROBLEMS: Record<string, string> = {
  // docs/decisions/027: the write is still pending under its key, so Retry sends it once, not twice.
  WriteStillTransientError: "Shopify kept answering “try again later” (its servers were busy or failing). Nothing was lost: Retry sends the same change again, and Shopify applies it only once.",
  WriteInProgressError: "Shopify was still working on the same change. Retry checks it again.",
  WriteRefusedError: "Shopify refused the change. Retry will not help unless the item or location was changed in Shopify meanwhile.",
  AdminApiError: "Shopify answered with an error every time. Retry once Shopify works again.",
  RequestTimeoutError: "Shopify did not answer in time, every time. Retry once Shopify works again.",
  BulkOperationError: "Shopify's read of your whole catalog did not finish. Retry starts a new one.",
  StillStaleError: "The inventory kept changing while Safestock synced it. Retry once sales calm down; the next reconciliation also fixes it.",
  ShopAccessLostError: ACCESS_REFUSED,
  RefreshTokenRejectedError: ACCESS_REFUSED,
};

function plainJobProblem(firstLine: string): string {
  const name = /^([A-Za-z]+Error)\b/.exec(firstLine)?.[1];
  return (name && JOB_PROBLEMS[name]) ?? "Something unexpected went wrong. Retry runs it again; if it fails again, send the details to support.";
}

export const WEBHOOK_HEALTH_WINDOW_MS = 24 * 60 * 60_000;

/**
 * The Sync page: reconciliation reports, queue health with dead jobs, and webhook receive lag
 * per topic. `busy` is true while a reconciliation is queued or running, so the page polls.
 */
export async function loadSyncPage(shop: string, { deadCursor, now = new Date() }: { deadCursor: string | null; now?: Date }) {
  const queue = jobQueue();
  const [reports, stats, dead, deliveries, installation, shopifyFailing] = await Promise.all([
    listReconciliationReports(shop, 20),
    queue.stats(shop),
    queue.listDead(shop, { cursor: deadCursor, take: 20 }),
    recentDeliveries(shop, new Date(now.getTime() - WEBHOOK_HEALTH_WINDOW_MS)),
    getShopInstallation(shop),
    shopifyFailingView(shop, now),
  ]);
  const timeZone = timeZoneOf(installation);
  const reconcileQueue = stats.byQueue.reconcile;
  const reconcileQueued = (reconcileQueue?.pending ?? 0) + (reconcileQueue?.running ?? 0) > 0;
  return {
    busy: reconcileQueued || reports.some((report) => report.status === "running"),
    reconcileQueued,
    reports: reports.map((report) => ({
      id: report.id,
      trigger: report.trigger,
      status: report.status,
      startedAt: formatDateTime(report.startedAt, timeZone),
      finishedAt: formatDateTime(report.finishedAt, timeZone),
      progress: report.status === "running" ? runningProgress(report, timeZone) : null,
      duration: report.finishedAt ? formatMillis(report.finishedAt.getTime() - report.startedAt.getTime()) : null,
      levelsChecked: report.levelsChecked,
      drifted: report.drifted,
      fixed: report.fixed,
      firstPublished: report.firstPublished,
      failed: report.failed,
      causes: Object.entries(report.causes).map(([cause, count]) => `${CAUSE_LABELS[cause] ?? cause.replace(/_/g, " ")}: ${count}`),
      error: report.error,
    })),
    queue: {
      total: stats.total,
      byStatus: stats.byStatus,
      byQueue: Object.entries(stats.byQueue)
        .map(([name, counts]) => ({ name, ...counts }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    },
    deadJobs: dead.jobs.map((job) => {
      // The first line of a stack is "Name: message": support's detail; the merchant reads `problem`.
      const error = (job.lastError ?? "no error recorded").split("\n")[0];
      return {
        id: job.id,
        queue: job.queue,
        key: job.key,
        work: JOB_WORK[job.queue] ?? job.queue.replace(/-/g, " "),
        attempts: job.attempts,
        problem: plainJobProblem(error),
        error,
        finishedAt: formatDateTime(job.finishedAt, timeZone),
      };
    }),
    deadCursor,
    nextDeadCursor: dead.nextCursor,
    webhooks: webhookLagByTopic(deliveries, timeZone),
    frozen: installation?.frozenSince
      ? { since: formatDateTime(installation.frozenSince, timeZone), reason: installation.frozenReason ?? "Webhooks look unhealthy" }
      : null,
    lastReconcileAt: formatDateTime(installation?.lastReconcileAt, timeZone),
    lastRun: lastRunSummary(reports, timeZone),
    shopifyFailing,
    // Measured against Shopify's Date header and named as ours, not as Shopify's lateness (issue 22).
    clockSkew: describeClockSkew(await shopifyClockSkewMs()),
  };
}

type ReportRow = Awaited<ReturnType<typeof listReconciliationReports>>[number];
const count = (value: number) => value.toLocaleString("en-US");

/**
 * How far a running reconciliation is, so a long run on a large catalog is seen to move: items
 * checked of the catalog known when it started with what it changed so far, or, while Shopify's
 * bulk read runs and no item has arrived yet, the records read so far (as the first import shows).
 */
function runningProgress(report: ReportRow, timeZone: string): string {
  const updated = report.progressAt ? ` (updated ${formatDateTimeToTheSecond(report.progressAt, timeZone)})` : "";
  if (report.itemsChecked > 0) {
    const of = report.itemsTotal && report.itemsTotal >= report.itemsChecked ? ` of ${count(report.itemsTotal)}` : "";
    return `checked ${count(report.itemsChecked)}${of} items (${count(report.levelsChecked)} levels); so far ${changes(report)}${updated}`;
  }
  if (report.recordsRead !== null) return `Shopify is reading your catalog: ${count(report.recordsRead)} records so far${updated}`;
  return "reading locations and sales channels";
}

function changes(report: ReportRow): string {
  return `${count(report.drifted)} drifted, ${count(report.fixed)} fixed, ${count(report.failed)} failed`;
}

/** The latest finished run in one line: when it finished and what it changed. */
function lastRunSummary(reports: ReportRow[], timeZone: string): string | null {
  const last = reports.find((report) => report.status !== "running" && report.finishedAt);
  if (!last?.finishedAt) return null;
  const took = formatMillis(last.finishedAt.getTime() - last.startedAt.getTime());
  const when = `Last reconciliation (${last.trigger}) ${last.status === "failed" ? "failed" : "finished"} ${formatDateTime(last.finishedAt, timeZone)} after ${took}`;
  const published = last.firstPublished > 0 ? `, ${count(last.firstPublished)} published for the first time` : "";
  return `${when}: checked ${count(last.itemsChecked)} items (${count(last.levelsChecked)} levels), ${changes(last)}${published}.`;
}

/** Receive lag (Shopify's triggered-at → our received-at) per topic: median, 90th percentile, worst. */
function webhookLagByTopic(deliveries: { topic: string; triggeredAt: Date | null; receivedAt: Date }[], timeZone: string) {
  const byTopic = new Map<string, { count: number; lags: number[]; last: Date }>();
  for (const delivery of deliveries) {
    const entry = byTopic.get(delivery.topic) ?? { count: 0, lags: [], last: delivery.receivedAt };
    entry.count++;
    if (delivery.triggeredAt) entry.lags.push(Math.max(0, delivery.receivedAt.getTime() - delivery.triggeredAt.getTime()));
    if (delivery.receivedAt > entry.last) entry.last = delivery.receivedAt;
    byTopic.set(delivery.topic, entry);
  }
  return [...byTopic.entries()]
    .map(([topic, entry]) => {
      const lags = entry.lags.sort((a, b) => a - b);
      const at = (q: number) => (lags.length ? formatMillis(lags[Math.min(lags.length - 1, Math.floor(lags.length * q))]) : "—");
      return { topic, deliveries: entry.count, median: at(0.5), p90: at(0.9), worst: lags.length ? formatMillis(lags[lags.length - 1]) : "—", lastReceived: formatDateTime(entry.last, timeZone) };
    })
    .sort((a, b) => a.topic.localeCompare(b.topic));
}

export type SyncActionResult =
  | { ok: true; message: string }
  | { ok: false; message: string };

/** "Reconcile now": one queued run per shop (the key coalesces repeated clicks). */
export async function requestReconcile(shop: string): Promise<SyncActionResult> {
  const queued = await enqueueReconcile(shop, "manual");
  return { ok: true, message: queued.kind === "coalesced" ? "A reconciliation is already queued" : "Reconciliation queued" };
}

/** "Retry" on a dead job: pending again with fresh attempts (or merged into a pending twin). */
export async function retryDeadJob(shop: string, id: string): Promise<SyncActionResult> {
  const result = await jobQueue().retryDead(shop, id);
  switch (result.kind) {
    case "retried":
      return { ok: true, message: "Job queued again" };
    case "coalesced":
      return { ok: true, message: "The same work was already queued; this job is closed" };
    case "not-found":
      return { ok: false, message: "This job is no longer waiting for a retry" };
  }
}
