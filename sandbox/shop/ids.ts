/**
 * Shopify GIDs. Records carry a numeric `legacyId` (the GID tail), which webhook payloads
 * (REST-shaped) carry as numbers. Every type counts from its own base so ids look like
 * Shopify's (long, type-specific) while staying below 2^53.
 */
import type { Gid } from "../contract.js";

export const ID_BASES = {
  Shop: 70_000_001,
  Location: 70_000_000_001,
  Product: 8_000_000_000_001,
  ProductVariant: 45_000_000_000_001,
  InventoryItem: 47_000_000_000_001,
  InventoryLevel: 100_000_000_001,
  Publication: 150_000_000_001,
  Metafield: 30_000_000_000_001,
  Order: 6_000_000_000_001,
  LineItem: 15_000_000_000_001,
  Refund: 900_000_000_001,
  InventoryAdjustmentGroup: 60_000_000_001,
  Job: 1,
  FulfillmentOrder: 9_800_000_000_001,
  FulfillmentOrderLineItem: 16_000_000_000_001,
  Fulfillment: 8_000_000_001,
  FulfillmentLineItem: 17_000_000_000_001,
  InventoryTransfer: 5_900_000_001,
  InventoryTransferLineItem: 31_600_000_001,
  InventoryShipment: 2_920_000_001,
  InventoryShipmentLineItem: 31_300_000_001,
} as const;
export type IdKind = keyof typeof ID_BASES;

export function gid(type: string, legacyId: number | string): Gid {
  return `gid://shopify/${type}/${legacyId}`;
}

/** `gid://shopify/InventoryLevel/<n>?inventory_item_id=<item>` (docs/decisions/016 §8). */
export function inventoryLevelGid(levelLegacyId: number, itemLegacyId: number): Gid {
  return `gid://shopify/InventoryLevel/${levelLegacyId}?inventory_item_id=${itemLegacyId}`;
}

const GID_RE = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?#\s]+)(\?[^#\s]*)?$/;

export interface ParsedGid {
  type: string;
  tail: string;
  /** numeric tail, or NaN */
  legacyId: number;
}

export function parseGid(id: string): ParsedGid | null {
  const m = GID_RE.exec(id);
  if (!m) return null;
  return { type: m[1]!, tail: m[2]!, legacyId: /^\d+$/.test(m[2]!) ? Number(m[2]) : Number.NaN };
}

export function isGid(id: unknown): id is string {
  return typeof id === "string" && GID_RE.test(id);
}

/** The GraphQL type name a record id denotes (used to resolve `Node`/`Publishable` types). */
export function typeOfGid(id: string): string | null {
  return parseGid(id)?.type ?? null;
}

export function legacyIdOf(id: string): number {
  return parseGid(id)?.legacyId ?? Number.NaN;
}
