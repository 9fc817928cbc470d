/**
 * Shapes of the rules engine's inputs (policy v1, snapshot) and output (plan).
 * Field names are the public policy/snapshot file format: renaming one is a breaking change.
 */

/** Where a protection rule applies. Item scope is at most one of sku/product/tag; location is optional. */
export interface RuleScope {
  readonly location?: string;
  readonly sku?: string;
  readonly product?: string;
  readonly tag?: string;
}

export interface SafetyStockRule extends RuleScope {
  readonly kind: "safety_stock";
  readonly units: number;
}

/** Display/sample units at one location × SKU: never sold. */
export interface DisplayRule {
  readonly kind: "display";
  readonly location: string;
  readonly sku: string;
  readonly units: number;
}

export interface VelocityBufferRule extends RuleScope {
  readonly kind: "velocity_buffer";
  /** Multiplies the expected sales during one sync lag. Default 1. */
  readonly riskFactor?: number;
  readonly minUnits?: number;
  readonly maxUnits?: number;
}

export interface QuarantineRelease {
  readonly at: string;
  readonly units: number;
}

/**
 * Withholds `units` of each listed SKU across the network until released in waves.
 * Units are taken from `locations` in the given order (default: every location, by name).
 */
export interface QuarantineRule {
  readonly kind: "quarantine";
  readonly skus: readonly string[];
  readonly units: number;
  readonly releases?: readonly QuarantineRelease[];
  readonly locations?: readonly string[];
}

/** Received units at matching levels stay out of sale (in Shopify `quality_control`) until approved. */
export interface ReleaseGateRule extends RuleScope {
  readonly kind: "release_gate";
}

export type ProtectionRule =
  | SafetyStockRule
  | DisplayRule
  | VelocityBufferRule
  | QuarantineRule
  | ReleaseGateRule;

export type ProtectionKind = ProtectionRule["kind"];

export interface ChannelRule {
  readonly channel: string;
  /** 1 is the highest priority. Informational except for `reserveForHigherTiersBelow`. */
  readonly tier?: number;
  /**
   * Narrows the locations this channel may draw from. Default: every location that can fill the
   * channel's orders (online channels: active locations that fulfil online orders; POS: every
   * active location). Naming a location the channel cannot sell from is refused.
   */
  readonly locations?: readonly string[];
  readonly networkMinimum?: number;
  /**
   * How often (seconds) the channel re-reads the number it lists: a marketplace connector polling
   * every R s. While its copy is stale the other channels keep selling the same units, so the
   * refresh-window step keeps their sales over R + the measured sync lag out of this channel.
   */
  readonly refreshSeconds?: number;
  /**
   * Units at this channel's locations that only this channel may sell (docs/policy.md § 4 "Ring
   * fence"): min(N, what is sellable there after location protection) goes into Shopify's
   * `safety_stock`, so web checkout, POS and B2B (which obey `available`) cannot sell it, and every
   * other channel's number leaves it out. This channel lists the fence plus what its waterfall
   * gives it from the shared rest. For a connector that orders ignoring Shopify's `available`.
   */
  readonly ringFenceUnits?: number;
  /**
   * How the ring fence is sized (docs/policy.md § 4 "A reserve that sizes itself"): `fixed` (the
   * default) keeps `ringFenceUnits`; `measured` keeps what this channel itself is measured to sell
   * between two reads of its number, ceil(its own rate × (refreshSeconds + measured sync lag)),
   * at least `ringFenceMinUnits` and at most `ringFenceUnits` (then the merchant's cap).
   */
  readonly ringFenceSizing?: "fixed" | "measured";
  /** With `ringFenceSizing: "measured"`: the reserve before (or without) measured sales. Default 0. */
  readonly ringFenceMinUnits?: number;
  readonly allocationPercent?: number;
  readonly fixedUnits?: number;
  readonly maxUnits?: number;
  readonly reserveForHigherTiersBelow?: number;
  readonly pauseBelow?: number;
  /**
   * The channel number under which Safestock starts the "Channel stock fell below threshold"
   * Shopify Flow trigger (docs/decisions/035-shopify-flow.md). Changes no number: it is an alert.
   * Unset, the alert uses `pauseBelow`; set at or above `pauseBelow`, it warns before the pause.
   */
  readonly alertBelow?: number;
  readonly paused?: boolean;
}

export interface Policy {
  readonly version: 1;
  readonly protection: readonly ProtectionRule[];
  readonly channels: readonly ChannelRule[];
}

/**
 * Identity (docs/decisions/020): a variant's inventory item is the key of its levels, item data, holds
 * and plans. A SKU is a label that many variants may share or leave blank ("").
 *
 * `item` is optional in snapshot files written before identity existed: without it, the SKU is
 * the identity (`identityOf`), so such a file must not list two variants with one SKU.
 */
export interface Identified {
  /** The inventory item (the app passes its gid); defaults to `sku`. */
  readonly item?: string;
  /** Label for rule matching (sku-scoped rules apply to every variant carrying it) and display; may be "" when `item` is given. */
  readonly sku: string;
}

/** Shopify quantities of one inventory level (inventory item × location). */
export interface Level extends Identified {
  readonly location: string;
  readonly onHand: number;
  readonly committed: number;
  readonly reserved: number;
  readonly damaged: number;
  readonly qualityControl: number;
  readonly incoming: number;
  /** Units received here that the merchant has not approved yet (only matters under a release_gate). */
  readonly received?: number;
}

export interface Item extends Identified {
  readonly product?: string;
  readonly tags?: readonly string[];
  /** Recent sales rate across the network, for velocity buffers. */
  readonly unitsPerMinute?: number;
  /**
   * Recent sales rate per selling channel (channel handle → units per minute; the app measures each
   * since that channel's first sale in the velocity window, so a burst reads at its own pace). The
   * refresh-window step sums the other channels'. Without it, the whole `unitsPerMinute` counts as
   * the other channels' (more cover, never less).
   */
  readonly unitsPerMinuteByChannel?: Readonly<Record<string, number>>;
  /**
   * Per channel with a self-sizing reserve, the reserve it listed and when each value was
   * published (`ChannelPlan.reserveHistory` of the last plan, as the app stored it): the reserve is
   * held at the peak of those the channel may still be selling from (docs/decisions/032).
   */
  readonly publishedReserves?: Readonly<Record<string, readonly PublishedReserve[]>>;
  /**
   * Channels (handles) the item's product is known NOT to be published on: their ring fences skip
   * it, since nobody can buy it there (docs/policy.md § 4 "Ring fence", docs/decisions/045). A
   * channel absent here (published, or not read) keeps its fence: missing data never lowers
   * protection.
   */
  readonly unpublishedChannels?: readonly string[];
}

/** A self-sizing reserve a channel listed: in force from `publishedAtMs` until the next one is published. */
export interface PublishedReserve {
  readonly units: number;
  readonly publishedAtMs: number;
  /**
   * Units the channel itself sold since this listing was published: the app counts them from its
   * sales records for the listing in force (the last one), to tell a listing the channel sold out
   * from one it did not (docs/decisions/032 "Sized from demand"). Absent: not counted (no growth).
   */
  readonly soldSince?: number;
  /**
   * For a listing that was replaced: units the channel sold since it could no longer read this one
   * (the replacement's publication plus the measured sync lag). A copy the channel read of this
   * listing before then has at most `units` minus these left (docs/decisions/032 "Held until
   * read or sold"). Absent: not counted (the whole listing is held).
   */
  readonly soldSinceReplaced?: number;
}

/** Units of one inventory item (`item`, else `sku`) held by a buyer on `channel`. */
export interface Hold extends Identified {
  readonly channel: string;
  readonly units: number;
  readonly expiresAt: string;
}

/**
 * What Shopify says a location can do (Location.isActive, Location.fulfillsOnlineOrders).
 * Online orders route only to locations that fulfil online orders (docs/decisions/012 § Sales channels),
 * so stock elsewhere can never fill an online or marketplace sale.
 */
export interface LocationInfo {
  readonly name: string;
  /** Default true. An inactive location sells nothing on any channel. */
  readonly active?: boolean;
  /** Default true (snapshot files from before capabilities were known). */
  readonly fulfillsOnlineOrders?: boolean;
}

export interface Snapshot {
  readonly syncLagMinutes: number;
  readonly levels: readonly Level[];
  /** Product, tags and sales rates per inventory item (matched to levels by identity). */
  readonly items?: readonly Item[];
  readonly holds?: readonly Hold[];
  /** Channels that exist even without a rule (they share the whole pool). */
  readonly channels?: readonly string[];
  /**
   * Every known location, by name or with its capabilities; defaults to the locations that appear
   * in `levels`. A location given by name only (or only in `levels`) counts as active and
   * fulfilling online orders.
   */
  readonly locations?: readonly (string | LocationInfo)[];
}

/** One reason some units are protected or not offered. Lines of a level/channel sum to its withheld units. */
export interface ExplainLine {
  readonly rule: string;
  readonly scope: string;
  readonly units: number;
  readonly reason: string;
}

export interface LevelPlan {
  /** The level's identity (its snapshot `item`, else its SKU). */
  readonly item: string;
  readonly sku: string;
  readonly location: string;
  /** max(0, onHand − committed − reserved − damaged − qualityControl). */
  readonly base: number;
  /** Units withheld from sale at this location; `explain` sums to it. */
  readonly protected: number;
  /** base − protected. */
  readonly available: number;
  /** Target for Shopify `safety_stock`: protected minus units moving to quality_control. */
  readonly safetyStock: number;
  /** Target for Shopify `quality_control` (current + received units a release gate withholds). */
  readonly qualityControl: number;
  readonly explain: readonly ExplainLine[];
}

export interface ChannelPlan {
  /** The inventory item (identity) this number is for; `sku` is its label. */
  readonly item: string;
  readonly sku: string;
  readonly channel: string;
  /**
   * Sum of location available over the locations the channel draws from, plus, for a channel with
   * a ring fence, the units fenced for it there (location available already leaves them out).
   */
  readonly pool: number;
  readonly available: number;
  readonly paused: boolean;
  /** Sums to pool − available. */
  readonly explain: readonly ExplainLine[];
  /**
   * A self-sizing reserve's listings the channel may still be selling from, the one in force
   * last: what the app stores and gives back as `Item.publishedReserves` (docs/decisions/032).
   */
  readonly reserveHistory?: readonly PublishedReserve[];
}

export interface Plan {
  readonly levels: readonly LevelPlan[];
  readonly channels: readonly ChannelPlan[];
}
