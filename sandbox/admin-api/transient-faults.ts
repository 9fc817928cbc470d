/**
 * Transient failures of Admin API mutations (fault knob `transientErrorRate`, POST /sandbox/faults):
 * writes Shopify asks you to retry. Off by default. Each drawn fault is one of
 * - `user_error`: the mutation answers the "try again" userError its 2026-10 error enum carries
 *   (`SERVICE_UNAVAILABLE` "The service is temporarily unavailable. Try again later.",
 *   `MOVE_QUANTITIES_FAILED` "The quantities couldn't be moved. Try again.",
 *   `ADJUST_QUANTITIES_FAILED` "The quantities couldn't be adjusted. Try again."), nothing applied;
 * - `concurrent`: `IDEMPOTENCY_CONCURRENT_REQUEST` "This request is currently in progress, please
 *   try again." (every `@idempotent` mutation whose enum lists it), nothing applied;
 * - `http_502` / `http_503`: the gateway answers 502 / 503 (shopify.dev/docs/api/usage/response-codes
 *   lists "502 Bad Gateway" and "503 Service Unavailable" as server-side errors);
 * - `timeout`: no answer; the connection is dropped after `transientTimeoutMs` (a client timeout sees
 *   the same).
 * For the last three Shopify may have applied the mutation before the answer was lost
 * (`transientAppliedShare`, default 0.5): then the shop changed and its `@idempotent` key holds the
 * result. A request of several root mutation fields runs them one after the other
 * (https://spec.graphql.org/October2021/#sec-Mutation), so an answer lost while it ran covers any
 * prefix of them: `appliedRootFields` of n (drawn 1…n) ran, the rest never did; the key's
 * result, so a retry with the same key returns it without applying it again
 * (shopify.dev/docs/api/usage/idempotent-requests: "If an API request is disrupted in transit, then
 * you might not receive a response … repeated requests with the same parameters will be executed
 * only once"). A transient userError is not stored under the key [inferred: the enums say "try
 * again" and shopify.dev/docs/api/usage/implementing-idempotency counts "network retries … after a
 * timeout" and "job retries" as duplicates that must reuse the key], so the retry runs.
 * Draws come from a seeded PRNG (`transientSeed`, default 1), never Math.random.
 */
import { Kind, parse, type OperationDefinitionNode } from "graphql";
import { createPrng, type Prng } from "../prng.js";

export const TRANSIENT_KINDS = ["user_error", "concurrent", "http_502", "http_503", "timeout"] as const;
export type TransientKind = (typeof TRANSIENT_KINDS)[number];

export interface TransientFaults {
  /**
   * Fraction [0,1] of calls to a mutation that fail transiently: a number for every mutation, or
   * per mutation field name (`{ inventoryMoveQuantities: 0.3, "*": 0.01 }`).
   */
  transientErrorRate?: number | Record<string, number>;
  /** The kinds drawn from (default all); a kind a mutation cannot answer (no such code in its enum) is replaced by `http_503`. */
  transientKinds?: TransientKind[];
  /** For http_502/http_503/timeout: the fraction where the mutation was applied before the answer was lost (default 0.5). */
  transientAppliedShare?: number;
  /** How long (real ms) a `timeout` holds the request before dropping it (default 200). */
  transientTimeoutMs?: number;
  transientSeed?: number;
}

/** The transient userError codes each mutation's 2026-10 error enum carries (sandbox/schemas/admin_2026-10.json.gz). */
const RETRY_CODES: Record<string, string[]> = {
  inventoryMoveQuantities: ["SERVICE_UNAVAILABLE", "MOVE_QUANTITIES_FAILED"],
  inventoryAdjustQuantities: ["SERVICE_UNAVAILABLE", "ADJUST_QUANTITIES_FAILED"],
  inventorySetOnHandQuantities: ["SERVICE_UNAVAILABLE"],
};

/** Mutations whose 2026-10 error enum lists IDEMPOTENCY_CONCURRENT_REQUEST (emulated ones). */
const CONCURRENT_CODE = new Set([
  "inventoryMoveQuantities",
  "inventoryAdjustQuantities",
  "inventorySetQuantities",
  "inventorySetOnHandQuantities",
  "inventoryShipmentCreateInTransit",
  "inventoryShipmentReceive",
  "inventoryTransferCreate",
  "inventoryTransferCreateAsReadyToShip",
  "locationActivate",
  "locationDeactivate",
]);

export const TRANSIENT_MESSAGES: Record<string, string> = {
  SERVICE_UNAVAILABLE: "The service is temporarily unavailable. Try again later.",
  MOVE_QUANTITIES_FAILED: "The quantities couldn't be moved. Try again.",
  ADJUST_QUANTITIES_FAILED: "The quantities couldn't be adjusted. Try again.",
  IDEMPOTENCY_CONCURRENT_REQUEST: "This request is currently in progress, please try again.",
};

/** What to do to one request. `userError` is answered by the mutation's resolver (ApiContext.transientUserError). */
export type TransientDecision =
  | { kind: "user_error" | "concurrent"; field: string; idempotencyKey: string | null; code: string }
  | { kind: "http_502" | "http_503" | "timeout"; field: string; idempotencyKey: string | null; applied: boolean; timeoutMs: number; appliedRootFields?: number };

/** One transient fault as the cost log records it. */
export interface TransientRecord {
  field: string;
  /** The request's `@idempotent` key, if it sent one (whether or not the mutation ran). */
  idempotencyKey: string | null;
  kind: TransientKind;
  code?: string;
  applied?: boolean;
  /** Of a request of several root mutation fields applied before its answer was lost, how many ran. */
  appliedRootFields?: number;
}

/** The mutation fields of a request's operation, with their `@idempotent` key (empty for queries and unparsable documents). */
function mutationFields(query: string, operationName: string | null | undefined, variables: Record<string, unknown>): { field: string; key: string | null }[] {
  try {
    const ops = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
    if (!op || op.operation !== "mutation") return [];
    return op.selectionSet.selections.flatMap((s) => {
      if (s.kind !== Kind.FIELD) return [];
      const value = s.directives?.find((d) => d.name.value === "idempotent")?.arguments?.find((a) => a.name.value === "key")?.value;
      const key = value?.kind === Kind.STRING ? value.value : value?.kind === Kind.VARIABLE ? variables[value.name.value] : null;
      return [{ field: s.name.value, key: typeof key === "string" ? key : null }];
    });
  } catch {
    return [];
  }
}

export class TransientFaultInjector {
  private settings: Required<Omit<TransientFaults, "transientErrorRate">> & { transientErrorRate: Record<string, number> } = TransientFaultInjector.defaults();
  private rand: Prng = createPrng(1);
  /** Every fault drawn, in order (a sandbox tool for tests). */
  readonly log: TransientRecord[] = [];

  private static defaults() {
    return { transientErrorRate: {}, transientKinds: [...TRANSIENT_KINDS], transientAppliedShare: 0.5, transientTimeoutMs: 200, transientSeed: 1 };
  }

  set(next: TransientFaults): void {
    const s = this.settings;
    if (next.transientErrorRate !== undefined) {
      const rate = next.transientErrorRate;
      s.transientErrorRate = typeof rate === "number" ? { "*": clamp(rate) } : Object.fromEntries(Object.entries(rate).map(([k, v]) => [k, clamp(Number(v))]));
    }
    if (next.transientKinds !== undefined) s.transientKinds = next.transientKinds.filter((k) => (TRANSIENT_KINDS as readonly string[]).includes(k));
    if (next.transientAppliedShare !== undefined) s.transientAppliedShare = clamp(next.transientAppliedShare);
    if (next.transientTimeoutMs !== undefined) s.transientTimeoutMs = Math.max(0, Math.floor(next.transientTimeoutMs));
    if (next.transientSeed !== undefined) s.transientSeed = Math.floor(next.transientSeed);
    this.rand = createPrng(s.transientSeed);
  }

  get(): TransientFaults {
    return structuredClone(this.settings);
  }

  /** A gateway error or lost answer; for a request of several root fields, how many of them ran first. */
  private lostAnswer(kind: "http_502" | "http_503" | "timeout", field: string, idempotencyKey: string | null, rootFields: number): TransientDecision {
    const applied = this.rand() < this.settings.transientAppliedShare;
    const decision = { kind, field, idempotencyKey, applied, timeoutMs: this.settings.transientTimeoutMs };
    return applied && rootFields > 1 ? { ...decision, appliedRootFields: 1 + Math.floor(this.rand() * rootFields) } : decision;
  }

  /** Whether (and how) this request fails transiently. Only mutations fail; queries never do. */
  decide(query: unknown, operationName: string | null | undefined, variables: Record<string, unknown> = {}): TransientDecision | null {
    const rates = this.settings.transientErrorRate;
    if (typeof query !== "string" || Object.keys(rates).length === 0 || this.settings.transientKinds.length === 0) return null;
    const fields = mutationFields(query, operationName, variables);
    for (const { field, key } of fields) {
      const rate = rates[field] ?? rates["*"] ?? 0;
      if (rate <= 0 || this.rand() >= rate) continue;
      const kinds = this.settings.transientKinds;
      let kind = kinds[Math.floor(this.rand() * kinds.length)]!;
      const retryCodes = RETRY_CODES[field] ?? [];
      if ((kind === "user_error" && retryCodes.length === 0) || (kind === "concurrent" && !CONCURRENT_CODE.has(field))) kind = "http_503";
      const decision: TransientDecision =
        kind === "user_error"
          ? { kind, field, idempotencyKey: key, code: retryCodes[Math.floor(this.rand() * retryCodes.length)]! }
          : kind === "concurrent"
            ? { kind, field, idempotencyKey: key, code: "IDEMPOTENCY_CONCURRENT_REQUEST" }
            : this.lostAnswer(kind, field, key, fields.length);
      const outcome = "code" in decision ? { code: decision.code } : { applied: decision.applied, ...(decision.appliedRootFields === undefined ? {} : { appliedRootFields: decision.appliedRootFields }) };
      this.log.push({ field, idempotencyKey: key, kind, ...outcome });
      // Bounded for a long `npm run sandbox`: the oldest go first.
      if (this.log.length > 10_000) this.log.splice(0, this.log.length - 10_000);
      return decision;
    }
    return null;
  }
}

function clamp(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** The body Shopify's edge answers with a 502 / 503 (HTML in production; the app must not read it) [inferred]. */
export function gatewayErrorBody(status: 502 | 503): { errors: string } {
  return { errors: status === 502 ? "Bad Gateway" : "Service Unavailable" };
}
