/**
 * From a plan to the writes that bring Shopify to it: the diff step of the sync pipeline
 * (docs/decisions/004: write only the diff). Pure: current quantities and
 * the plan come in, moves and metafield values come out.
 */
import type { PublishedComponent } from "./bundles";
import type { ChannelPlan } from "./types";

/** A level as Shopify reports it now, with the engine's target for `safety_stock`. */
export interface LevelTarget {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly sku: string;
  readonly location: string;
  readonly available: number;
  readonly safetyStock: number;
  readonly targetSafetyStock: number;
}

export interface QuantityMove {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly sku: string;
  readonly location: string;
  /** Units moved; always positive. */
  readonly quantity: number;
  /** Compare-and-swap values are the quantities we read: a concurrent sale makes the write stale. */
  readonly from: { readonly name: "available" | "safety_stock"; readonly changeFromQuantity: number };
  readonly to: { readonly name: "available" | "safety_stock"; readonly changeFromQuantity: number };
  readonly safetyStockBefore: number;
  readonly safetyStockAfter: number;
}

/**
 * One move per level whose `safety_stock` differs from its target: available → safety_stock
 * to protect more, safety_stock → available to release. Identical targets yield nothing, which
 * is what makes Safestock's own inventory_levels/update echo converge without a write.
 */
export function planSafetyStockMoves(levels: readonly LevelTarget[]): QuantityMove[] {
  const moves: QuantityMove[] = [];
  for (const level of levels) {
    const delta = level.targetSafetyStock - level.safetyStock;
    if (delta === 0) continue;
    const available = { name: "available" as const, changeFromQuantity: level.available };
    const safety = { name: "safety_stock" as const, changeFromQuantity: level.safetyStock };
    moves.push({
      inventoryItemId: level.inventoryItemId,
      locationId: level.locationId,
      sku: level.sku,
      location: level.location,
      quantity: Math.abs(delta),
      from: delta > 0 ? available : safety,
      to: delta > 0 ? safety : available,
      safetyStockBefore: level.safetyStock,
      safetyStockAfter: level.targetSafetyStock,
    });
  }
  return moves;
}

export function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < list.length; start += size) out.push(list.slice(start, start + size));
  return out;
}

export interface ChannelAts {
  readonly available: number;
  readonly paused: boolean;
}

/**
 * The per-channel numbers of each inventory item (the plan's `item`), keyed by channel handle.
 * Never by SKU: two variants sharing a SKU each publish their own numbers (docs/decisions/020).
 */
export function channelAtsByItem(channels: readonly ChannelPlan[]): Map<string, Record<string, ChannelAts>> {
  const byItem = new Map<string, Record<string, ChannelAts>>();
  for (const plan of channels) {
    let entry = byItem.get(plan.item);
    if (entry === undefined) byItem.set(plan.item, (entry = {}));
    entry[plan.channel] = { available: plan.available, paused: plan.paused };
  }
  return byItem;
}

/** The channel buyers check out through: the cart-validation Function reads its number (and the holds on it). */
export const CHECKOUT_CHANNEL = "online_store";

/**
 * The running cart holds of one variant on the checkout channel, as the cart-validation Function
 * reads them (docs/decisions/019): `held` counts every held unit, `keys` names the listed holds.
 */
export interface CheckoutHolds {
  readonly held: number;
  readonly keys: Readonly<Record<string, number>>;
}

/**
 * At most this many holds are named per variant (the Function has the same bound,
 * extensions/safestock-cart-validation `MAX_LISTED_HOLDS`): a value with four channels and 16 keys
 * of 22 characters is about 700 bytes, far below the 10,000 bytes a metafield may bring into a
 * Function's input (docs/decisions/012 "Checkout"; the input size is in docs/decisions/019). Past the bound a hold is counted in `held` only, so its units
 * are kept from everybody, its holder too: stricter, never kinder. The hold API confirms a hold
 * only when Shopify holds a value naming it.
 */
export const MAX_LISTED_HOLDS = 16;

/** A running hold on the checkout channel, as the app stores it. */
export interface CheckoutHold {
  /** Null for a hold no checkout can name (a merchant's customer hold). */
  readonly holdKey: string | null;
  readonly units: number;
  /** ISO-8601; the oldest holds are listed first. */
  readonly createdAt: string;
}

/** The holds part of one variant's value, or null when nothing is held. */
export function checkoutHoldsOf(holds: readonly CheckoutHold[]): CheckoutHolds | null {
  const running = holds.filter((hold) => hold.units > 0);
  const held = running.reduce((sum, hold) => sum + hold.units, 0);
  if (held === 0) return null;
  const listed = running
    .filter((hold) => hold.holdKey !== null && hold.holdKey !== "")
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.holdKey! < b.holdKey! ? -1 : 1))
    .slice(0, MAX_LISTED_HOLDS);
  const keys: Record<string, number> = {};
  for (const hold of listed) keys[hold.holdKey!] = (keys[hold.holdKey!] ?? 0) + hold.units;
  return { held, keys };
}

/** What a value carries besides the channel numbers. */
export interface PublishedExtras {
  /** The variant keeps selling when out of stock (Shopify `inventoryPolicy: CONTINUE`): the Function never blocks it. */
  readonly continueSelling?: boolean;
  readonly holds?: CheckoutHolds | null;
  /** A bundle's components with their checkout-channel numbers (docs/decisions/034). */
  readonly components?: readonly PublishedComponent[] | null;
}

/**
 * The metafield value published for a variant: `{"channels":{"online_store":{"available":4,"paused":false},…}}`,
 * channels sorted by handle so that equal numbers always serialise to equal text (no rewrite).
 * `"continueSelling":true` and `"holds":{"held":n,"keys":{…}}` are added only when they apply, so
 * a variant with neither keeps the value it always had.
 */
export function channelMetafieldValue(channels: Record<string, ChannelAts>, extras: PublishedExtras = {}): string {
  return fitChannelMetafieldValue(channels, extras, MAX_CHANNEL_METAFIELD_BYTES);
}

/**
 * Shopify refuses a `json` metafield value over 128 KB (shopify.dev/changelog/reduced-metafield-value-sizes,
 * shopify.dev/docs/apps/build/metafields/metafield-limits; the emulator answers TOO_LONG). The
 * value is trimmed before it is written: listed hold keys are dropped (last in key order first)
 * until it fits, their units still counted in `held`, so they stay kept from everybody (the same
 * stricter rule as past MAX_LISTED_HOLDS). The channel numbers are never dropped: a value that
 * cannot fit without them is an error, not a smaller truth.
 */
export const MAX_CHANNEL_METAFIELD_BYTES = 128 * 1024;

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

export function fitChannelMetafieldValue(channels: Record<string, ChannelAts>, extras: PublishedExtras, maxBytes: number): string {
  let value = serializeChannelValue(channels, extras);
  if (utf8Bytes(value) <= maxBytes) return value;
  const holds = extras.holds;
  const keys = holds ? Object.keys(holds.keys).sort() : [];
  while (holds && keys.length > 0) {
    keys.pop();
    value = serializeChannelValue(channels, { ...extras, holds: { held: holds.held, keys: Object.fromEntries(keys.map((key) => [key, holds.keys[key]])) } });
    if (utf8Bytes(value) <= maxBytes) return value;
  }
  throw new Error(`the channel metafield value is ${utf8Bytes(value)} bytes without any hold key, over Shopify's ${maxBytes}`);
}

function serializeChannelValue(channels: Record<string, ChannelAts>, extras: PublishedExtras): string {
  const sorted: Record<string, ChannelAts> = {};
  for (const handle of Object.keys(channels).sort()) {
    sorted[handle] = { available: channels[handle].available, paused: channels[handle].paused };
  }
  const value: Record<string, unknown> = { channels: sorted };
  if (extras.continueSelling === true) value.continueSelling = true;
  if (extras.holds && extras.holds.held > 0) {
    const keys: Record<string, number> = {};
    for (const key of Object.keys(extras.holds.keys).sort()) keys[key] = extras.holds.keys[key];
    value.holds = { held: extras.holds.held, keys };
  }
  if (extras.components && extras.components.length > 0) {
    // Short keys: the value is read by the checkout Function, whose whole input is bounded.
    value.components = extras.components.map((component) => ({ id: component.variantId, quantity: component.quantity, available: component.available, ...sortedKeysOf(component.keys) }));
  }
  return JSON.stringify(value);
}

/** A component's hold keys in key order (equal holds always serialise to equal text), or nothing when none. */
function sortedKeysOf(keys: Readonly<Record<string, number>> | undefined): { keys?: Record<string, number> } {
  const names = keys ? Object.keys(keys).sort() : [];
  return names.length > 0 ? { keys: Object.fromEntries(names.map((name) => [name, keys![name]!])) } : {};
}

/** A published value in its canonical text (what `channelMetafieldValue` writes), or null when unreadable. */
export function canonicalChannelMetafieldValue(value: string | null | undefined): string | null {
  const channels = parseChannelMetafieldValue(value);
  if (channels === null) return null;
  const parsed = JSON.parse(value!) as { continueSelling?: unknown; holds?: { held?: unknown; keys?: unknown } | null; components?: unknown };
  const held = typeof parsed.holds?.held === "number" ? parsed.holds.held : 0;
  const keys = typeof parsed.holds?.keys === "object" && parsed.holds.keys !== null ? (parsed.holds.keys as Record<string, number>) : {};
  const components = Array.isArray(parsed.components)
    ? (parsed.components as { id?: unknown; quantity?: unknown; available?: unknown; keys?: unknown }[]).map((c) => ({
        variantId: String(c.id),
        quantity: Number(c.quantity),
        available: Number(c.available),
        ...(typeof c.keys === "object" && c.keys !== null ? { keys: c.keys as Record<string, number> } : {}),
      }))
    : null;
  return channelMetafieldValue(channels, { continueSelling: parsed.continueSelling === true, holds: { held, keys }, components });
}

/**
 * What the cart-validation Function lets the checkout carrying `holdKey` take, by the published
 * value's own arithmetic: the checkout channel's number less the units other checkouts hold
 * (0 when paused). The hold API confirms a hold only when its key is listed with its units and
 * this covers them; null when the value publishes no number for the checkout channel.
 */
export function unitsForHolder(value: string | null | undefined, holdKey: string): { listed: number; available: number } | null {
  const channel = parseChannelMetafieldValue(value)?.[CHECKOUT_CHANNEL];
  if (!channel || typeof channel.available !== "number") return null;
  const holds = (JSON.parse(value!) as { holds?: { held?: unknown; keys?: unknown } | null }).holds;
  const held = typeof holds?.held === "number" ? holds.held : 0;
  const keys = typeof holds?.keys === "object" && holds.keys !== null ? (holds.keys as Record<string, unknown>) : {};
  const listed = Object.prototype.hasOwnProperty.call(keys, holdKey) && typeof keys[holdKey] === "number" ? Math.min(keys[holdKey] as number, held) : 0;
  return { listed, available: channel.paused ? 0 : Math.max(0, channel.available - Math.max(0, held - listed)) };
}

/**
 * The value put back after a stale move (docs/decisions/039): the value read before the run, with
 * each channel's number no higher than the run planned (and paused if either was). The level
 * changed since the run's read (a sale), and the value before the run counts none of the sales the
 * run saw: a marketplace's own orders shrink its fence, and putting the older, larger fence back
 * lets a connector re-read units that are gone until the re-run publishes (issue 21, the fixed
 * fence's 1-unit oversells; docs/decisions/032, amended 2026-12-06). A number the run raised goes
 * back to the old one, as before: it may count the move that was not applied. A lower number is
 * never an oversell. Everything else (holds, components) is the old value's.
 */
export function putBackChannelMetafieldValue(previous: string, planned: string): string {
  const plannedChannels = parseChannelMetafieldValue(planned);
  if (parseChannelMetafieldValue(previous) === null || plannedChannels === null) return previous;
  const value = JSON.parse(previous) as { channels: Record<string, ChannelAts> };
  let lowered = false;
  for (const [handle, before] of Object.entries(value.channels)) {
    const now = plannedChannels[handle];
    if (!now || (now.available >= before.available && (now.paused === before.paused || before.paused))) continue;
    value.channels[handle] = { ...before, available: Math.min(before.available, now.available), paused: before.paused || now.paused };
    lowered = true;
  }
  return lowered ? JSON.stringify(value) : previous;
}

/** Reads a published value back; anything unreadable counts as "nothing published yet". */
export function parseChannelMetafieldValue(value: string | null | undefined): Record<string, ChannelAts> | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as { channels?: Record<string, ChannelAts> };
    return parsed && typeof parsed.channels === "object" && parsed.channels !== null ? parsed.channels : null;
  } catch {
    return null;
  }
}
