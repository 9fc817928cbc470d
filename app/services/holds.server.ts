/**
 * Cart holds (docs/decisions/008, enforcement in docs/decisions/019): Shopify reserves nothing at
 * add-to-cart (docs/decisions/012 "Checkout"), so a buyer at checkout can lose the last unit to
 * another buyer or a marketplace order placed a second earlier. A hold keeps the cart's units
 * from every other channel and every other cart for a short TTL, and refuses a quantity that
 * other buyers' holds already took. Holds convert on orders/create (matched by the checkout
 * token or the hold key the cart carried), are released by the cart, or expire.
 */
import { randomBytes } from "node:crypto";
import { cartDemand, cartLineOutcomes, componentsRefusedToHolder, heldForNothing, sharedExpiries, variantsToPlace, type BundleRecipes, type ComponentOutcome } from "~/domain/bundle-holds";
import { BUNDLE_RULE } from "~/domain/bundles";
import { CHECKOUT_CHANNEL, unitsForHolder } from "~/domain/inventory-writes";
import { catalogItemForVariant } from "~/models/catalog.server";
import { countHoldRequest, HOLD_REQUEST_WINDOW_MS } from "~/models/hold-request-window.server";
import {
  admitHold,
  convertHolds,
  expireHolds,
  releaseHolds,
  releaseHoldsByKey,
  releaseHoldsExcept,
  releaseOtherCartsOfSession,
  deleteClosedHolds,
  placePendingHold,
  runningHoldOn,
  runningHoldKey,
  shortenCartHold,
  unitsHeldByOthers,
  withdrawHold,
} from "~/models/holds.server";
import { getShopSettings } from "~/models/settings.server";
import { channelStateFor } from "~/models/sync-state.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { readBundleLinks } from "~/shopify/bundles.server";
import { readChannelNumbers } from "~/shopify/inventory.server";
import { parseExplain } from "./display-view.server";
import { enqueueRecompute } from "./jobs.server";
import { recomputeInventoryItems } from "./sync-items.server";

/**
 * The cart attribute carrying the checkout's hold key: set by the checkout block, read by the
 * cart-validation Function (its `HOLD_ATTRIBUTE`), carried to the order's `note_attributes`.
 */
export const HOLD_ATTRIBUTE = "_safestockHold";

export const LOW_STOCK_BELOW = 5;

export interface HoldLine {
  variantId: string;
  quantity: number;
}

/**
 * Per line: held (the cart may buy `units` and nobody else may), passed without a hold (`held:
 * false`: nothing to hold, or Shopify could not be made to enforce it — the buyer checks out like
 * any other, the Function judging the cart against what others hold), or refused.
 */
export type HoldLineResult =
  | { variantId: string; ok: true; held: true; units: number; expiresAt: string }
  | { variantId: string; ok: true; held: false; units: 0; reason: string }
  | { variantId: string; ok: false; available: number; reason: string };

export interface HoldCartResult {
  /** The key the checkout must carry as the cart attribute `_safestockHold`; null when nothing is held. */
  holdKey: string | null;
  lines: HoldLineResult[];
}

export interface HoldCartOptions {
  now?: Date;
  /** The Admin client to write and read back the channel metafield with (default: the shop's). */
  client?: AdminClient;
}

/** 128 random bits, URL-safe: unguessable, and unrelated to the checkout token (which orders and other apps see). */
export function newHoldKey(): string {
  return randomBytes(16).toString("base64url");
}

const NOT_HELD = {
  unmanaged: "Safestock does not manage this item.",
  continueSelling: "This item keeps selling when out of stock.",
  unconfirmed: "Could not hold this item right now; it is still for sale.",
} as const;

const INVALID_QUANTITY = "The quantity must be a whole number above zero.";

const passed = (variantId: string, reason: string): HoldLineResult => ({ variantId, ok: true, held: false, units: 0, reason });

/** A variant's answer as one need of a cart line: passing for a reason of its own does not leave a bundle unheld. */
function componentOutcome(result: HoldLineResult): ComponentOutcome {
  if (!result.ok) return { ok: false, available: result.available, reason: result.reason };
  if (result.held) return { ok: true, held: true, units: result.units, expiresAt: result.expiresAt };
  return { ok: true, held: false, reason: result.reason, ownReason: result.reason !== NOT_HELD.unconfirmed };
}

/**
 * The components of the cart's fixed bundles, read from Shopify (the catalog does not keep them):
 * a line is a bundle when its last planned number came from components (`rule: "bundle"`,
 * docs/decisions/034), so a cart without bundles asks Shopify nothing. Bundles whose components
 * could not be read are `unreadable`: their lines pass without a hold, the Function still judging them.
 */
async function bundleRecipes(
  shop: string,
  lines: HoldLine[],
  channel: string,
  client?: AdminClient,
): Promise<{ recipes: BundleRecipes; unreadable: Set<string>; bundleVariants: string[] }> {
  const bundles: string[] = [];
  for (const line of lines) {
    const item = await catalogItemForVariant(shop, line.variantId);
    const state = item ? await channelStateFor(shop, item.inventoryItemId, channel) : null;
    if (!item || !state || !parseExplain(state.explain).some((explain) => explain.rule === BUNDLE_RULE)) continue;
    bundles.push(line.variantId);
  }
  if (bundles.length === 0) return { recipes: new Map(), unreadable: new Set(), bundleVariants: [] };
  try {
    const links = await readBundleLinks(client ?? (await adminClientForShop(shop)), bundles);
    const recipes = new Map([...links.components].map(([variantId, parts]) => [variantId, parts.map((part) => ({ variantId: part.variantId, quantity: part.quantity }))]));
    return { recipes, unreadable: new Set(bundles.filter((variantId) => !recipes.has(variantId))), bundleVariants: bundles };
  } catch (error) {
    console.error("[holds] could not read the cart's bundles", { shop, variantIds: bundles, error: error instanceof Error ? error.message : String(error) });
    return { recipes: new Map(), unreadable: new Set(bundles), bundleVariants: [] };
  }
}

/**
 * Places (or updates) the holds of one checkout and answers only once Shopify can enforce them:
 * a line is reported held after the channel metafield naming its hold key has been written and
 * read back (docs/decisions/019). Every line is answered. Lines for variants Safestock does not
 * manage pass untouched (fail open: Safestock never blocks what it has not computed).
 */
export async function holdCart(
  shop: string,
  input: { holder: string; holdKey?: string | null; channel?: string; lines: HoldLine[]; session?: string | null },
  options: HoldCartOptions = {},
): Promise<HoldCartResult> {
  const now = options.now ?? new Date();
  const channel = input.channel ?? CHECKOUT_CHANNEL;
  const session = input.session ?? null;
  // The running key is kept only for a caller that presents it: a checkout token alone (which
  // orders and other apps see) never yields the key that lets a cart take the held units. A
  // caller without it gets a new key, and its holds replace the old ones.
  const running = await runningHoldKey(shop, input.holder, now);
  const holdKey = running !== null && input.holdKey === running ? running : newHoldKey();
  const lines = perVariant(input.lines);
  // A bundle line is held as its components (docs/decisions/034 "Holds"): the cart's demand per variant to hold.
  const { recipes, unreadable, bundleVariants } = await bundleRecipes(shop, lines, channel, options.client);
  const demand = cartDemand(
    lines.filter((line) => !unreadable.has(line.variantId)),
    recipes,
  );
  // One running cart per buyer session: a session's holds under another checkout token end, so
  // invented checkout tokens cannot add up to more than one cart's lines (issue 22).
  const otherCarts = session ? await releaseOtherCartsOfSession(shop, session, input.holder) : [];
  // The cart dropped these lines (or the components they needed): their holds end now.
  const dropped = [...otherCarts, ...(await releaseHoldsExcept(shop, input.holder, demand.map((line) => line.variantId)))];
  const outcomes = new Map<string, ComponentOutcome>();
  const placed: { variantId: string; inventoryItemId: string; units: number; expiresAt: Date }[] = [];
  // With bundles in the cart, a line refused now must not leave its bundle's other components held.
  const refusedBefore = new Set<string>();
  if (recipes.size > 0) for (const line of demand) if (await refusedNow(shop, { holder: input.holder, channel, line, now })) refusedBefore.add(line.variantId);
  const toPlace = variantsToPlace(lines, recipes, refusedBefore);
  for (const line of demand) {
    if (!toPlace.has(line.variantId)) continue;
    const outcome = await placeLineHold(shop, { holder: input.holder, holdKey, channel, line, now, session });
    if ("placed" in outcome) placed.push(outcome.placed);
    else outcomes.set(line.variantId, componentOutcome(outcome.result));
  }
  // A bundle's component holds end together, at the earliest of their lifetimes.
  const earlier = sharedExpiries(lines, recipes, new Map(placed.map((hold) => [hold.variantId, hold.expiresAt.toISOString()])));
  for (const hold of placed) {
    const at = earlier.get(hold.variantId);
    if (at === undefined) continue;
    hold.expiresAt = new Date(at);
    await shortenCartHold(shop, { holder: input.holder, holdKey, variantId: hold.variantId, expiresAt: hold.expiresAt });
  }
  const bundleCheck = { bundleVariants, demand: new Map(demand.map((line) => [line.variantId, line.quantity])), cartVariants: new Set(lines.map((line) => line.variantId)) };
  const confirmed = placed.length > 0 ? await confirmHolds(shop, { holdKey, placed, bundleCheck, now: options.now, client: options.client }) : new Set<string>();
  const released: string[] = [];
  for (const hold of placed) {
    if (confirmed.has(hold.inventoryItemId)) {
      outcomes.set(hold.variantId, { ok: true, held: true, units: hold.units, expiresAt: hold.expiresAt.toISOString() });
    } else {
      // Shopify does not enforce it: never promise it. Its units go back to everyone.
      released.push(...(await releaseHolds(shop, input.holder, [hold.variantId])));
      outcomes.set(hold.variantId, { ok: true, held: false, reason: NOT_HELD.unconfirmed, ownReason: false });
    }
  }
  const results: HoldLineResult[] = cartLineOutcomes(lines, recipes, bundleCheck.demand, outcomes, { invalidQuantity: INVALID_QUANTITY, notHeld: NOT_HELD.unconfirmed }).map((result) =>
    unreadable.has(result.variantId) ? passed(result.variantId, NOT_HELD.unconfirmed) : result,
  );
  // A bundle answered refused or unheld keeps none of its other components held (docs/decisions/034 "Holds").
  const kept = placed.filter((hold) => confirmed.has(hold.inventoryItemId)).map((hold) => hold.variantId);
  const unused = heldForNothing(lines, recipes, results, kept);
  if (unused.length > 0) released.push(...(await releaseHolds(shop, input.holder, unused)));
  await enqueueRecompute(shop, [...new Set([...dropped, ...released])]);
  // The key stays the checkout's while any of its holds runs under it (a refused quantity change keeps the hold it had).
  const stillRunning = kept.length > unused.length || (running === holdKey && (await runningHoldKey(shop, input.holder, now)) === holdKey);
  return { holdKey: stillRunning ? holdKey : null, lines: results };
}

/** Stock is per variant: a variant on several cart lines is one hold of their total. */
function perVariant(lines: HoldLine[]): HoldLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    const sofar = totals.get(line.variantId);
    // A line of no units or fewer is no cart's line: its variant is refused (placeLineHold), never
    // netted against the variant's other lines (5 and −3 held 2 of the cart's 5 without a word).
    totals.set(line.variantId, sofar === undefined ? line.quantity : sofar < 1 || line.quantity < 1 ? Math.min(sofar, line.quantity) : sofar + line.quantity);
  }
  return [...totals].map(([variantId, quantity]) => ({ variantId, quantity }));
}

type LineOutcome = { result: HoldLineResult } | { placed: { variantId: string; inventoryItemId: string; units: number; expiresAt: Date } };

/** Checks one line against what is left after other checkouts' holds, and stores its hold when it fits. */
async function placeLineHold(
  shop: string,
  input: { holder: string; holdKey: string; channel: string; line: HoldLine; now: Date; session: string | null },
): Promise<LineOutcome> {
  const { line, now, channel, holder } = input;
  if (!Number.isInteger(line.quantity) || line.quantity < 1) {
    return { result: { variantId: line.variantId, ok: false, available: 0, reason: INVALID_QUANTITY } };
  }
  // A re-post of the same line under the running key changes nothing: no new row (issue 22).
  const same = await runningHoldOn(shop, { holder, holdKey: input.holdKey, variantId: line.variantId, now });
  if (same && same.units === line.quantity) {
    return { placed: { variantId: line.variantId, inventoryItemId: same.inventoryItemId, units: same.units, expiresAt: same.expiresAt } };
  }
  const item = await catalogItemForVariant(shop, line.variantId);
  if (item?.continueSelling) return { result: passed(line.variantId, NOT_HELD.continueSelling) };
  const state = item ? await channelStateFor(shop, item.inventoryItemId, channel) : null;
  if (!item || !state) return { result: passed(line.variantId, NOT_HELD.unmanaged) };

  const heldByOthers = await unitsHeldByOthers(shop, { holder, channel, inventoryItemId: item.inventoryItemId, now });
  const refused = refusal(line, state, heldByOthers);
  if (refused) return { result: refused };

  // Hold lifetimes come from the Settings page (defaults in app/models/settings.server.ts: 15 min,
  // 5 min on low stock so an abandoned cart does not lock the last units long).
  const settings = await getShopSettings(shop);
  const ttl = (state.available < LOW_STOCK_BELOW ? settings.lowStockCartHoldMinutes : settings.cartHoldMinutes) * 60_000;
  const expiresAt = new Date(now.getTime() + ttl);
  const newHold = { holder, holdKey: input.holdKey, session: input.session, channel, inventoryItemId: item.inventoryItemId, variantId: line.variantId, sku: item.sku, units: line.quantity, expiresAt };
  const hold = await placePendingHold(shop, newHold);

  // Two checkouts may pass the check above at once. A hold is stored pending (counted nowhere,
  // the checkout's previous hold still counting), then admitted only if it still fits after the
  // holds admitted before it, one admission at a time per item (admitHold); otherwise it is
  // withdrawn. So exactly one of two racing checkouts keeps the last units, in every process, and
  // a withdrawn hold is never published.
  const admission = await admitHold(shop, { id: hold.id, holder, variantId: line.variantId, channel, inventoryItemId: item.inventoryItemId, now }, (held) => refusal(line, state, held) === null);
  if (!admission.admitted) {
    await withdrawHold(shop, hold.id);
    return { result: refusal(line, state, admission.heldByOthers) ?? { variantId: line.variantId, ok: false, available: 0, reason: "This item is not available right now." } };
  }
  return { placed: { variantId: line.variantId, inventoryItemId: item.inventoryItemId, units: line.quantity, expiresAt } };
}

/** Whether the line would be refused now, before anything is placed. */
async function refusedNow(shop: string, input: { holder: string; channel: string; line: HoldLine; now: Date }): Promise<boolean> {
  const item = await catalogItemForVariant(shop, input.line.variantId);
  const state = item && !item.continueSelling ? await channelStateFor(shop, item.inventoryItemId, input.channel) : null;
  if (!item || !state) return false;
  const heldByOthers = await unitsHeldByOthers(shop, { holder: input.holder, channel: input.channel, inventoryItemId: item.inventoryItemId, now: input.now });
  return refusal(input.line, state, heldByOthers) !== null;
}

function refusal(line: HoldLine, state: { available: number; paused: boolean }, heldByOthers: number): HoldLineResult | null {
  const available = state.paused ? 0 : Math.max(0, state.available - heldByOthers);
  if (line.quantity <= available) return null;
  const reason = state.paused
    ? "This item is not available right now."
    : heldByOthers > 0
      ? `Only ${available} left: ${heldByOthers} are in other shoppers' checkouts.`
      : `Only ${available} left.`;
  return { variantId: line.variantId, ok: false, available, reason };
}

/** What the cart's bundles need of their components, to check the Function would let the holder through. */
interface BundleCheck {
  /** The cart's bundle variants whose components were read: their numbers say whether the holder may take the components. */
  bundleVariants: string[];
  demand: Map<string, number>;
  cartVariants: Set<string>;
}

/**
 * Publishes the holds and reads back what Shopify holds: the inventory items whose channel
 * metafield names `holdKey` with at least the held units and, by the Function's own arithmetic,
 * lets that checkout take them. Anything else (the write failed, the
 * hold is past MAX_LISTED_HOLDS, no number is published for the item) is not enforceable.
 */
async function confirmHolds(
  shop: string,
  input: { holdKey: string; placed: { variantId: string; inventoryItemId: string; units: number }[]; bundleCheck: BundleCheck; now?: Date; client?: AdminClient },
): Promise<Set<string>> {
  const { holdKey, placed, bundleCheck } = input;
  const ids = [...new Set(placed.map((hold) => hold.inventoryItemId))];
  try {
    const admin = input.client ?? (await adminClientForShop(shop));
    // Planned at the hold's own instant when one is given (tests, replays), else at each try's time.
    const now = input.now ? () => input.now! : () => new Date();
    await recomputeInventoryItems(shop, ids, { client: admin, actor: "hold", now });
    // The cart's bundles were planned in the same run as their components (docs/decisions/034).
    // Only the numbers are read back, by variant, as the Function reads them: 2 points, where an
    // item read with its levels cost 44 (docs/decisions/043).
    const numbers = await readChannelNumbers(admin, [...placed.map((hold) => hold.variantId), ...bundleCheck.bundleVariants]);
    const refusedToHolder = new Set(
      bundleCheck.bundleVariants.flatMap((variantId) => componentsRefusedToHolder(numbers.get(variantId)?.value, bundleCheck.demand, bundleCheck.cartVariants, holdKey)),
    );
    const confirmed = new Set<string>();
    for (const hold of placed) {
      if (refusedToHolder.has(hold.variantId)) continue;
      const published = unitsForHolder(numbers.get(hold.variantId)?.value, holdKey);
      if (published && published.listed >= hold.units && published.available >= hold.units) confirmed.add(hold.inventoryItemId);
    }
    return confirmed;
  } catch (error) {
    console.error("[holds] could not publish cart holds", { shop, inventoryItemIds: ids, error: error instanceof Error ? error.message : String(error) });
    return new Set();
  }
}

/** The checkout block leaves: only the caller holding the key can end the holds. */
export async function releaseCart(shop: string, holder: string, holdKey: string, variantIds?: string[]) {
  const items = await releaseHoldsByKey(shop, holder, holdKey, variantIds);
  await enqueueRecompute(shop, items);
  return items.length;
}

/** orders/create: the checkout's holds became the order's committed units. */
export async function convertCartHolds(shop: string, order: { checkoutToken: string | null; holdKey: string | null }) {
  const items = await convertHolds(shop, { holder: order.checkoutToken, holdKey: order.holdKey });
  await enqueueRecompute(shop, items);
}

/** Closed holds are kept this long (the Holds page and support see recent ones), then deleted. */
const CLOSED_HOLDS_KEPT_MS = 60 * 60_000;

/** Scheduler: expired holds give their units back to the other channels; long-closed ones are deleted. */
export async function expireCartHolds(shop: string, now: Date) {
  const items = await expireHolds(shop, now);
  await deleteClosedHolds(shop, new Date(now.getTime() - CLOSED_HOLDS_KEPT_MS));
  await enqueueRecompute(shop, items);
  return items.length;
}

/** Per buyer session: at most this many hold requests a minute (a checkout block sends a few). */
export const HOLD_REQUESTS_PER_MINUTE = 30;

/**
 * A fixed one-minute window per (shop, session) from its first request, counted in the database
 * every web process shares (issue 22: one session posted holds at will; issue 17: a count per
 * process let two processes accept twice the limit; docs/decisions/030). Returns the seconds to wait, or 0 when the
 * request may go ahead.
 */
export async function holdRequestWait(shop: string, session: string, nowMs: number = Date.now()): Promise<number> {
  const { windowStartMs, count } = await countHoldRequest(shop, session, nowMs);
  return count > HOLD_REQUESTS_PER_MINUTE ? Math.max(1, Math.ceil((windowStartMs + HOLD_REQUEST_WINDOW_MS - nowMs) / 1000)) : 0;
}
