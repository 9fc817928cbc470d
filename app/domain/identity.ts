import type { Identified } from "./types";

/**
 * The key of a level, item or hold (docs/decisions/020): its inventory item, or its SKU in a
 * snapshot file without item ids (docs/policy.md § Snapshot). Never the SKU when an item is given:
 * variants may share a SKU or leave it blank.
 */
export function identityOf(entry: Identified): string {
  return entry.item ?? entry.sku;
}
