import { env } from "~/env.server";
import {
  WORKER_HEARTBEAT,
  heartbeatAt,
  isDatabaseBusy,
  isStorageFault,
  oldestReadyJobRunAt,
  reopenDatabase,
  writeHeartbeat,
} from "~/models/health.server";

/**
 * /healthz: what serving needs (issue 22 found 200 with a read-only database). The database takes
 * a real write; the worker's heartbeat (written every 5 s by each worker, app/jobs/worker.server.ts)
 * is recent; the embedded queue's oldest due job has not waited long. Any failure is a reason.
 */
export const WORKER_STALE_MS = 60_000;
export const QUEUE_STUCK_MS = 5 * 60_000;

export interface HealthReport {
  ok: boolean;
  reasons: string[];
}

export async function checkHealth(now: Date = new Date()): Promise<HealthReport> {
  const reasons: string[] = [];
  try {
    await writeHeartbeat("healthz", now);
  } catch (error) {
    reasons.push(await databaseFault(error));
    return { ok: false, reasons };
  }
  try {
    const worker = await heartbeatAt(WORKER_HEARTBEAT);
    if (!worker) reasons.push("no worker has reported yet");
    else if (now.getTime() - worker.getTime() > WORKER_STALE_MS) reasons.push(`worker last seen ${seconds(now.getTime() - worker.getTime())} ago`);
    if (env().QUEUE === "embedded") {
      const oldest = await oldestReadyJobRunAt(now);
      if (oldest && now.getTime() - oldest.getTime() > QUEUE_STUCK_MS) reasons.push(`queue not moving: a due job has waited ${seconds(now.getTime() - oldest.getTime())}`);
    }
  } catch (error) {
    reasons.push(await databaseFault(error));
  }
  return { ok: reasons.length === 0, reasons };
}

/** The reason to report; a storage fault also reopens the connection so that recovery needs no restart. */
async function databaseFault(error: unknown): Promise<string> {
  console.error("healthz: database check failed", { error });
  if (isDatabaseBusy(error)) return "database locked by another connection";
  if (isStorageFault(error)) {
    await reopenDatabase().catch((reopenError: unknown) => console.error("healthz: could not reopen the database", { error: reopenError }));
    return "database not writable";
  }
  return "database unavailable";
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
