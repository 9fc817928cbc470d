/**
 * The emulated shop's record of every Admin GraphQL request, per app (API client): what it asked
 * for and what it paid, the app's bucket before and after, whether it was THROTTLED, and for
 * `@idempotent` mutations the key and what was applied. Tests in another process read it through
 * `GET /sandbox/cost-log` (sandbox/http/compose.ts) to check that a cluster of workers never
 * overspent the shop's limit and never applied one intended write twice.
 *
 * Bucket semantics (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): one leaky bucket
 * per app and store ("Calls from one app don't affect the rate limits of another app, even on the
 * same store"); a request whose requested cost exceeds what is available is refused THROTTLED and
 * spends nothing; otherwise the requested cost is checked before the query runs and its actual cost
 * is what the bucket loses; the bucket refills continuously at the restore rate (./throttle.ts). The levels
 * logged are the exact (unrounded) points; Shopify reports whole points in `throttleStatus`.
 */
import type { Gid, QuantityName } from "../contract.js";
import type { TransientRecord } from "./transient-faults.js";

/** One `@idempotent` mutation field of a request, and what became of it (./mutations/idempotency.ts). */
export interface IdempotentOutcome {
  /** The mutation field, e.g. `inventoryMoveQuantities`. */
  field: string;
  idempotencyKey: string;
  /**
   * applied: ran now and changed the shop (or was a no-op without errors); replayed: the key was
   * seen with the same input, the first result came back and nothing ran; failed: ran now and
   * answered userErrors (nothing applied); refused: the key cannot be used (mismatch or earlier
   * failure), nothing ran.
   */
  outcome: "applied" | "replayed" | "failed" | "refused";
  userErrorCodes: string[];
  /** The quantity changes this attempt applied (empty unless `applied`). */
  changes: { inventoryItemId: Gid; locationId: Gid; name: QuantityName; delta: number }[];
}

/** A level as it stood right after a request changed it. */
export interface LoggedLevel {
  inventoryItemId: Gid;
  locationId: Gid;
  quantities: Record<QuantityName, number>;
}

export interface CostLogEntry {
  /** 1, 2, … per shop, in the order the shop ran the requests (one at a time). */
  seq: number;
  /** Emulator clock, ISO. */
  at: string;
  apiClientId: string;
  operation: string | null;
  mutation: boolean;
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  /** The app's bucket (points available) when the request arrived, after refill. */
  bucketBefore: number;
  /** The app's bucket when the answer left. */
  bucketAfter: number;
  maximumAvailable: number;
  restoreRate: number;
  throttled: boolean;
  idempotent: IdempotentOutcome[];
  /** Every inventory level the request changed, with its quantities after (orders included). */
  levels: LoggedLevel[];
  /** Owners (variants, products, the shop…) whose metafields the request wrote. */
  metafieldOwners: Gid[];
  /** A transient failure the fault knob `transientErrorRate` injected into this request (./transient-faults.ts). */
  transient?: TransientRecord;
}

/** Filled while one request runs (ApiContext.requestLog), then completed into a CostLogEntry. */
export interface RequestLog {
  idempotent: IdempotentOutcome[];
  /** Owners whose metafields the request wrote (metafieldsSet), in order. */
  metafieldOwners?: Gid[];
}

/** Kept per shop; the oldest entries go first past `limit` (a long `npm run sandbox`). */
export class CostLog {
  private readonly entries: CostLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly limit = 200_000) {}

  add(entry: Omit<CostLogEntry, "seq">): CostLogEntry {
    const full = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return full;
  }

  /** Entries after `since` (a seq), optionally of one app. */
  list(filter: { apiClientId?: string; since?: number } = {}): CostLogEntry[] {
    return this.entries.filter((e) => e.seq > (filter.since ?? 0) && (filter.apiClientId === undefined || e.apiClientId === filter.apiClientId));
  }
}

/** The quantity changes a mutation payload reports (an inventory adjustment group's rows). */
export function appliedChanges(result: unknown): IdempotentOutcome["changes"] {
  const group = result && typeof result === "object" ? (result as { inventoryAdjustmentGroup?: { changes?: unknown } }).inventoryAdjustmentGroup : undefined;
  const rows = group && Array.isArray(group.changes) ? (group.changes as IdempotentOutcome["changes"]) : [];
  return rows.map(({ inventoryItemId, locationId, name, delta }) => ({ inventoryItemId, locationId, name, delta }));
}

export function userErrorCodes(result: unknown): string[] {
  const errors = result && typeof result === "object" ? (result as { userErrors?: { code?: string | null; message?: string }[] }).userErrors : undefined;
  return Array.isArray(errors) ? errors.map((e) => e.code ?? e.message ?? "USER_ERROR") : [];
}
