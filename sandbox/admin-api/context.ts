/** What every resolver gets as the GraphQL context value. */
import type { Clock, EmulatorEvent, InventoryLevelRecord } from "../contract.js";
import type { ShopState } from "../shop/state.js";
import type { RequestLog } from "./cost-log.js";
import type { IdempotencyStore } from "./mutations/idempotency.js";
import type { ALL_SCOPES } from "./scopes.js";

export interface ApiContext {
  state: ShopState;
  clock: Clock;
  /**
   * The calling app (API client) of this request: `$app` namespaces resolve to
   * `app--<apiClientId>--x` (docs/decisions/016 §11), orders default `sourceName` to it.
   */
  apiClientId: string;
  /** The calling token's granted scopes, expanded (`write_x` → `read_x`); see ./scopes.ts. */
  scopes: ReadonlySet<string> | typeof ALL_SCOPES;
  idempotency: IdempotencyStore;
  /** This request's part of the shop's cost log (./cost-log.ts); absent outside Admin API requests. */
  requestLog?: RequestLog;
  /** This request fails transiently at this mutation field with this userError code (./transient-faults.ts). */
  transientUserError?: { field: string; code: string };
  /**
   * The answer to this request is lost after its first `limit` root mutation fields ran (a later
   * one never ran): root fields run one after the other, so a lost answer may cover any prefix
   * (./transient-faults.ts). `ran` counts the root fields started so far.
   */
  rootFieldsBeforeLoss?: { limit: number; ran: number };
  emit(event: EmulatorEvent): void;
  now(): string;
}

/** Emit `inventory_level.updated` once per changed level, in first-change order. */
export function emitLevelUpdates(ctx: ApiContext, levels: Iterable<InventoryLevelRecord>): void {
  const at = ctx.now();
  const seen = new Set<string>();
  for (const level of levels) {
    if (seen.has(level.id)) continue;
    seen.add(level.id);
    const item = ctx.state.inventoryItems.get(level.inventoryItemId);
    if (!item) continue;
    ctx.emit({ type: "inventory_level.updated", at, level: structuredClone(level), item: structuredClone(item) });
  }
}
