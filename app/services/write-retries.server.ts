/**
 * Transient failures of a write are retried, never closed (issue 17 §2): Shopify answers "try
 * again" (SERVICE_UNAVAILABLE, MOVE_QUANTITIES_FAILED, ADJUST_QUANTITIES_FAILED,
 * IDEMPOTENCY_CONCURRENT_REQUEST in the 2026-10 enums), a 5xx, or nothing at all (network error,
 * timeout). The same write intent is sent again with the same idempotency key, after a backoff,
 * until Shopify applies it or truly refuses it: "Network retries with the exact same parameters
 * after a timeout or connection failure" and "Job retries that resubmit the same operation" are
 * duplicates that must reuse the key (shopify.dev/docs/api/usage/implementing-idempotency), and a
 * repeated key returns the first result without applying it again
 * (shopify.dev/docs/api/usage/idempotent-requests).
 *
 * A write without a key (metafieldsSet, publications) whose answer was lost may have landed: its
 * effect is read back before it is sent again (`landed`).
 *
 * Retries in the run are bounded (`attempts`); after them the intent stays pending and
 * `WriteStillTransientError` (retryable) hands it to the job's next attempt, which resumes it
 * with the same key (apply-writes.server.ts `resumePendingWrites`). The intent is never closed
 * for a transient failure.
 */
import { AdminApiError } from "~/shopify/admin-client.server";
import type { WriteResult } from "~/shopify/inventory.server";

export interface WriteRetryPolicy {
  /** Sends of one intent in one run, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

const DEFAULT_POLICY: WriteRetryPolicy = {
  attempts: 6,
  baseMs: 500,
  maxMs: 30_000,
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

let policy: WriteRetryPolicy = DEFAULT_POLICY;

/** Tests shorten the waits (tests/support/harness.ts); production keeps the defaults. */
export function configureWriteRetries(next: Partial<WriteRetryPolicy>): void {
  policy = { ...DEFAULT_POLICY, ...next };
}

/** Retryable: the job's next attempt resumes the still-pending intent with the same key. */
export class WriteStillTransientError extends Error {
  constructor(
    readonly operation: string,
    readonly last: string,
  ) {
    super(`${operation} still failing transiently after ${policy.attempts} attempts (${last}); the write intent stays pending and is retried with the same key`);
    this.name = "WriteStillTransientError";
  }
}

/** A failure worth sending the same request again for: no answer, 429 or 5xx. */
export function isTransientError(error: unknown): boolean {
  return error instanceof AdminApiError && error.transient;
}

/** Exponential backoff with full jitter over the upper half (as the Admin client's), capped. */
function backoffMs(attempt: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

/** Every transient failure one write met in this run (for logs and tests). */
export interface TransientAttempt {
  attempt: number;
  kind: "user_error" | "busy" | "lost";
  detail: string;
}

/**
 * Sends until the answer is not transient and returns it (applied, stale, refused …). `landed`
 * (writes without a key) is asked after a lost answer, before sending again: true → the write is
 * taken as applied.
 */
export async function sendUntilSettled(
  operation: string,
  send: () => Promise<WriteResult>,
  landed: (() => Promise<boolean>) | null,
  onTransient?: (attempt: TransientAttempt) => void,
): Promise<WriteResult> {
  let last = "";
  let lost = false;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await policy.sleep(backoffMs(attempt - 1));
    if (lost && landed && (await landed())) return { ok: true, requestId: null };
    let result: WriteResult;
    try {
      result = await send();
    } catch (error) {
      if (!isTransientError(error)) throw error;
      lost = true;
      last = (error as Error).message;
      onTransient?.({ attempt, kind: "lost", detail: last });
      continue;
    }
    if (result.ok || (result.failure !== "transient" && result.failure !== "busy")) return result;
    last = result.userErrors.map((error) => error.code ?? error.message).join(", ");
    onTransient?.({ attempt, kind: result.failure === "busy" ? "busy" : "user_error", detail: last });
  }
  if (lost && landed && (await landed())) return { ok: true, requestId: null };
  throw new WriteStillTransientError(operation, last);
}

/**
 * Sends until an answer comes back and returns it, whatever it says: only a lost answer (no
 * answer, 429, 5xx) is resent, with the same variables and so the same key. For a request of
 * several root fields (SafestockApplyLevels, docs/decisions/039) whose fields the caller judges
 * one by one; a resend that meets its own earlier write is told apart by each field's answer
 * (the move's key replays the first result, the metafields' digest is stale with our values).
 */
export async function sendUntilAnswered<T>(operation: string, send: () => Promise<T>, onTransient?: (attempt: TransientAttempt) => void): Promise<T> {
  let last = "";
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await policy.sleep(backoffMs(attempt - 1));
    try {
      return await send();
    } catch (error) {
      if (!isTransientError(error)) throw error;
      last = (error as Error).message;
      onTransient?.({ attempt, kind: "lost", detail: last });
    }
  }
  throw new WriteStillTransientError(operation, last);
}
