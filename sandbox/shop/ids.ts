/**
 * Shopify GIDs. Records carry their `legacyId` (the GID tail) as decimal text, which webhook
 * payloads (REST-shaped) carry as JSON integers. Every type counts from its own base so ids look
 * like Shopify's (long, type-specific); by default they stay below 2^53 as real shops' do.
 *
 * `idBase` (a shop option) moves every counter beyond 2^53: type T then counts from
 * `idBase + ID_BASES[T] − 1`, so with an odd base (9007199254740993) each type's first id is odd
 * and cannot be held by a JS number: an app that parses an id numerically anywhere (a JSON.parse
 * of a webhook body, a Number() of a GID tail) gets another item's id or none. Shopify's own
 * sample payloads carry 18-digit ids (docs/decisions/012 "Webhooks").
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
  BulkOperation: 4_100_000_000_001,
  Validation: 7_000_001,
} as const;
export type IdKind = keyof typeof ID_BASES;

/** Each type's first id for a shop whose ids start at `idBase` (decimal text; default: ID_BASES). */
export function firstIds(idBase?: string): Record<IdKind, string> {
  const offset = idBase === undefined ? 0n : parseIdBase(idBase) - 1n;
  return Object.fromEntries(Object.entries(ID_BASES).map(([kind, base]) => [kind, String(BigInt(base) + offset)])) as Record<IdKind, string>;
}

export function parseIdBase(idBase: string): bigint {
  if (!/^[1-9]\d{0,18}$/.test(idBase)) throw new RangeError(`idBase must be a positive whole number of at most 19 digits, got "${idBase}"`);
  return BigInt(idBase);
}

export function gid(type: string, legacyId: string | number): Gid {
  return `gid://shopify/${type}/${legacyId}`;
}

/** `gid://shopify/InventoryLevel/<n>?inventory_item_id=<item>` (docs/decisions/016 §8). */
export function inventoryLevelGid(levelLegacyId: string, itemLegacyId: string): Gid {
  return `gid://shopify/InventoryLevel/${levelLegacyId}?inventory_item_id=${itemLegacyId}`;
}

const GID_RE = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?#\s]+)(\?[^#\s]*)?$/;

export interface ParsedGid {
  type: string;
  tail: string;
  /** the tail when it is a whole number (exact, as text), else null */
  legacyId: string | null;
}

export function parseGid(id: string): ParsedGid | null {
  const m = GID_RE.exec(id);
  if (!m) return null;
  return { type: m[1]!, tail: m[2]!, legacyId: /^\d+$/.test(m[2]!) ? m[2]! : null };
}

export function isGid(id: unknown): id is string {
  return typeof id === "string" && GID_RE.test(id);
}

/** The GraphQL type name a record id denotes (used to resolve `Node`/`Publishable` types). */
export function typeOfGid(id: string): string | null {
  return parseGid(id)?.type ?? null;
}

/** The GID's numeric tail as text ("" when it has none). */
export function legacyIdOf(id: string): string {
  return parseGid(id)?.legacyId ?? "";
}

/** The GID's numeric tail as an exact integer, for ordering (-1 when it has none). */
export function idKeyOf(id: string): bigint {
  const legacy = parseGid(id)?.legacyId;
  return legacy ? BigInt(legacy) : -1n;
}
