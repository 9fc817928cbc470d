/**
 * Bounds on what a policy may say, so a typo or a hostile file is refused with a clear problem
 * instead of being published (a safety stock of 1e21 withholds everything) or taking the server
 * down (a 10 MB draft, a 100,000-deep nesting).
 */
export const POLICY_LIMITS = {
  /** Shopify refuses quantities above 1,000,000,000 (shared/SHOPIFY-CONFORMANCE.md §2). */
  units: 1_000_000_000,
  /** A policy file or draft, in characters, checked before it is parsed. */
  textLength: 2_000_000,
  /** policy → protection → rule → releases → wave is 5 deep; anything past this is no policy. */
  depth: 8,
  protectionRules: 10_000,
  channelRules: 250,
  /** Names in one list (a quarantine's SKUs, a rule's locations). */
  listEntries: 10_000,
  releases: 100,
  /** Shopify's SKU, tag, title and handle limit. */
  nameLength: 255,
  tier: 1_000,
  riskFactor: 1_000,
  /** A channel that re-reads its listing less than daily is not worth covering. */
  refreshSeconds: 86_400,
} as const;
