import { currentPolicy } from "~/models/policy.server";
import { protectionTotals } from "~/models/inventory-read.server";
import { listReconciliationReports } from "~/models/reconciliation.server";
import { getShopInstallation, timeZoneOf } from "~/models/shop-installation.server";
import type { Policy } from "~/domain";
import { loadDashboardCharts } from "./dashboard-charts.server";
import { formatDateTime } from "./display-view.server";
import { jobQueue } from "./jobs.server";
import { shopifyFailingView } from "./shopify-health.server";
import { offlineTokenKind } from "~/models/offline-session.server";
import { loadSetupChecklist } from "./setup.server";

export type { OfflineTokenKind } from "~/models/offline-session.server";

/**
 * Everything the Overview page shows, in one read: install and initial-sync progress, the policy
 * in force, webhook health, the last reconciliation and what Safestock currently withholds.
 */
export async function loadDashboard(shop: string) {
  const [installation, policy, reports, totals, queue, charts, token, shopifyFailing] = await Promise.all([
    getShopInstallation(shop),
    currentPolicy(shop),
    listReconciliationReports(shop, 1),
    protectionTotals(shop),
    jobQueue().stats(shop),
    loadDashboardCharts(shop),
    // Which kind of offline token the store holds (docs/decisions/021): the Overview says so.
    offlineTokenKind(shop),
    shopifyFailingView(shop),
  ]);
  const document = policy?.document as Policy | undefined;
  const last = reports[0] ?? null;
  const timeZone = timeZoneOf(installation);
  const setup = await loadSetupChecklist(shop, {
    initialSync: (installation?.initialSync ?? "idle") as "idle" | "running" | "done" | "failed",
    policyVersion: policy?.version ?? null,
    webhooksFrozen: Boolean(installation?.frozenSince),
    token: token.kind,
  });
  return {
    shop,
    token,
    setup,
    installation: {
      // A shop that authenticated but whose sync job has not started yet reads as "idle".
      initialSync: (installation?.initialSync ?? "idle") as "idle" | "running" | "done" | "failed",
      initialSyncNote: installation?.initialSyncNote ?? null,
      installedAt: formatDateTime(installation?.installedAt, timeZone),
      lastSyncAt: formatDateTime(installation?.lastSyncAt, timeZone),
    },
    access: accessState(installation, queue.byStatus.waiting, timeZone),
    shopifyFailing,
    frozen: installation?.frozenSince
      ? { since: formatDateTime(installation.frozenSince, timeZone), reason: installation.frozenReason ?? "Webhooks look unhealthy" }
      : null,
    policy: policy
      ? {
          version: policy.version,
          createdBy: policy.createdBy,
          createdAt: formatDateTime(policy.createdAt, timeZone),
          protectionRules: document?.protection?.length ?? 0,
          channelRules: document?.channels?.length ?? 0,
        }
      : null,
    lastReconciliation: last
      ? {
          status: last.status,
          trigger: last.trigger,
          startedAt: formatDateTime(last.startedAt, timeZone),
          finishedAt: formatDateTime(last.finishedAt, timeZone),
          levelsChecked: last.levelsChecked,
          drifted: last.drifted,
          fixed: last.fixed,
          firstPublished: last.firstPublished,
          failed: last.failed,
          error: last.error,
        }
      : null,
    totals,
    charts,
    queue: { pending: queue.byStatus.pending, running: queue.byStatus.running, dead: queue.byStatus.dead, waiting: queue.byStatus.waiting },
  };
}

/** A day after access came back the "restored" note has done its job. */
const RESTORED_NOTE_MS = 24 * 60 * 60_000;

/**
 * Lost access (Shopify answered 401 to the stored token): jobs wait until the merchant opens the
 * app, which exchanges a fresh token and resumes them. Opening the app is what restores it, so the
 * "lost" state is mostly seen by a page that was already open; the "restored" note says what happened.
 */
function accessState(
  installation: { accessLostAt: Date | null; accessLostReason: string | null; accessRestoredAt: Date | null; jobsResumed: number | null } | null,
  waitingJobs: number,
  timeZone: string,
  now: Date = new Date(),
) {
  if (installation?.accessLostAt) {
    return { state: "lost" as const, since: formatDateTime(installation.accessLostAt, timeZone), reason: installation.accessLostReason, waitingJobs };
  }
  const restored = installation?.accessRestoredAt;
  if (restored && now.getTime() - restored.getTime() < RESTORED_NOTE_MS) {
    return { state: "restored" as const, at: formatDateTime(restored, timeZone), jobsResumed: installation.jobsResumed ?? 0 };
  }
  return null;
}
