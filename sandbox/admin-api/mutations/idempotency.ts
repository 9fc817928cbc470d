/**
 * `@idempotent(key:)` for the inventory quantity mutations (required since 2026-04:
 * shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations;
 * docs/decisions/016 §1).
 * - directive missing → top-level BAD_REQUEST "The @idempotent directive is required for this
 *   mutation but was not provided.", `data.<root>: null`;
 * - same key, same input → the first result again, applied once [not captured: replay];
 * - same key, different input (or another mutation) → IDEMPOTENCY_KEY_PARAMETER_MISMATCH, nothing runs;
 * - a key whose earlier attempt failed (answered userErrors, nothing applied) → the attempt is not
 *   run again: IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED, message from the 2026-10 enum ("A previous request
 *   with this idempotency key failed. Retry with a new idempotency key.") [not captured]. After
 *   CHANGE_FROM_QUANTITY_STALE the client changes `changeFromQuantity` anyway, so it needs a new key.
 * Keys are kept 24 h of emulator-clock time [unconfirmed retention, docs/decisions/012 "Idempotency"].
 */
import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { Clock } from "../../contract.js";
import { appliedChanges, userErrorCodes, type IdempotentOutcome, type RequestLog } from "../cost-log.js";
import { TRANSIENT_MESSAGES } from "../transient-faults.js";

export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

interface Entry {
  fingerprint: string;
  result: unknown;
  atMs: number;
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  get(key: string, nowMs: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && nowMs - e.atMs > IDEMPOTENCY_RETENTION_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, fingerprint: string, result: unknown, nowMs: number): void {
    this.entries.set(key, { fingerprint, result, atMs: nowMs });
  }
}

/** JSON with sorted keys, so equal inputs fingerprint equally. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

export function idempotencyKeyOf(info: GraphQLResolveInfo): string {
  const directive = info.schema.getDirective("idempotent");
  const values = directive ? getDirectiveValues(directive, info.fieldNodes[0]!, info.variableValues) : undefined;
  if (!values) {
    throw new GraphQLError("The @idempotent directive is required for this mutation but was not provided.", { extensions: { code: "BAD_REQUEST" } });
  }
  const key = values.key;
  // "The idempotency key cannot be an empty string or whitespace only." [schema]
  if (typeof key !== "string" || key.trim() === "") {
    throw new GraphQLError("The idempotency key cannot be an empty string or whitespace only.", { extensions: { code: "BAD_REQUEST" } });
  }
  return key;
}

/** Why nothing ran: a refused key, or a transient failure (fault `transientErrorRate`, ../transient-faults.ts). */
export type IdempotencyRefusal = "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" | "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED" | keyof typeof TRANSIENT_MESSAGES;

/** The userError for a refused key or a transient failure; messages are the 2026-10 enum descriptions. */
export function idempotencyMismatch(code: IdempotencyRefusal) {
  return {
    field: null,
    code,
    message:
      code === "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
        ? "The same idempotency key cannot be used with different operation parameters."
        : code === "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"
          ? "A previous request with this idempotency key failed. Retry with a new idempotency key."
          : (TRANSIENT_MESSAGES[code] ?? code),
  };
}

function failedAttempt(result: unknown): boolean {
  const errors = result && typeof result === "object" ? (result as { userErrors?: unknown[] }).userErrors : undefined;
  return Array.isArray(errors) && errors.length > 0;
}

/** What `runIdempotent` needs of a request's context (an `ApiContext` from ../context.ts fits). */
interface IdempotentContext {
  idempotency: IdempotencyStore;
  clock: Clock;
  requestLog?: RequestLog;
  /** This request fails transiently at this field with this code (../transient-faults.ts). */
  transientUserError?: { field: string; code: string };
}

/**
 * Run `perform` at most once per key. `refused` builds the payload returned when the key was used
 * with other parameters, or when its earlier attempt failed.
 */
export function runIdempotent<T>(ctx: IdempotentContext, info: GraphQLResolveInfo, args: unknown, perform: () => T, refused: (code: IdempotencyRefusal) => T): T {
  const key = idempotencyKeyOf(info);
  const transient = ctx.transientUserError?.field === info.fieldName ? ctx.transientUserError.code : undefined;
  if (transient) {
    // "Try again": nothing ran and nothing is stored under the key, so the retry with the same key runs.
    const answer = refused(transient as IdempotencyRefusal);
    ctx.requestLog?.idempotent.push({ field: info.fieldName, idempotencyKey: key, outcome: "failed", userErrorCodes: userErrorCodes(answer), changes: [] });
    return answer;
  }
  const fingerprint = `${info.fieldName}:${stableStringify(args)}`;
  const nowMs = ctx.clock.now().getTime();
  const prior = ctx.idempotency.get(key, nowMs);
  const log = (outcome: IdempotentOutcome["outcome"], result: unknown) =>
    ctx.requestLog?.idempotent.push({ field: info.fieldName, idempotencyKey: key, outcome, userErrorCodes: userErrorCodes(result), changes: outcome === "applied" ? appliedChanges(result) : [] });
  if (prior) {
    if (prior.fingerprint !== fingerprint) {
      const answer = refused("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
      log("refused", answer);
      return answer;
    }
    const answer = failedAttempt(prior.result) ? refused("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED") : (prior.result as T);
    log(failedAttempt(prior.result) ? "refused" : "replayed", answer);
    return answer;
  }
  const result = perform();
  ctx.idempotency.set(key, fingerprint, result, nowMs);
  log(failedAttempt(result) ? "failed" : "applied", result);
  return result;
}
