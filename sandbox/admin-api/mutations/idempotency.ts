/**
 * `@idempotent(key:)` for the inventory quantity mutations (required since 2026-04:
 * shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations;
 * SHOPIFY-CONFORMANCE §1).
 * - directive missing → top-level BAD_REQUEST "The @idempotent directive is required for this
 *   mutation but was not provided.", `data.<root>: null`;
 * - same key, same input → the first result again, applied once [not captured: replay];
 * - same key, different input (or another mutation) → IDEMPOTENCY_KEY_PARAMETER_MISMATCH, nothing runs;
 * - results with userErrors are remembered too: retrying identical input replays them. After
 *   CHANGE_FROM_QUANTITY_STALE the client changes `changeFromQuantity`, so it needs a new key.
 * Keys are kept 24 h of emulator-clock time [unconfirmed retention, SHOPIFY-FACTS].
 */
import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { ApiContext } from "../context.js";

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

export const KEY_MISMATCH = {
  field: null,
  code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
  message: "The same idempotency key cannot be used with different operation parameters.",
};

/**
 * Run `perform` at most once per key. `mismatch` builds the payload returned when the key was
 * used with other parameters.
 */
export function runIdempotent<T>(ctx: ApiContext, info: GraphQLResolveInfo, args: unknown, perform: () => T, mismatch: () => T): T {
  const key = idempotencyKeyOf(info);
  const fingerprint = `${info.fieldName}:${stableStringify(args)}`;
  const nowMs = ctx.clock.now().getTime();
  const prior = ctx.idempotency.get(key, nowMs);
  if (prior) return prior.fingerprint === fingerprint ? (prior.result as T) : mismatch();
  const result = perform();
  ctx.idempotency.set(key, fingerprint, result, nowMs);
  return result;
}
