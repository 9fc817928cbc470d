/**
 * The Holds page: cart holds placed at checkout and customer holds the merchant places by hand
 * ("a ring held for a client until Friday"). A customer hold is a hold whose holder is no sales
 * channel, so the engine lowers every channel by its units until it expires or is released
 * (docs/policy.md §4 "holds"). Every change is audited and recomputes the item's numbers.
 */
import { randomUUID } from "node:crypto";
import { instantOfWallClock, wallClockAt, zoneShortNameAt } from "~/shared/wall-clock";
import { formatDateTime, formatTimeLeft, variantName } from "./display-view.server";
import { recordAudit } from "~/models/audit.server";
import { catalogItemById, catalogItemsWithSku, listLocations, variantsMatching, variantTitlesOf } from "~/models/catalog.server";
import { activeHold, activeHoldsOfShop, extendHold, placeCustomerHold, releaseHold } from "~/models/holds.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import { levelStateFor } from "~/models/sync-state.server";
import { enqueueRecompute } from "./jobs.server";

/** The engine's hold "channel" of customer holds: no sales channel has this name, so all of them give way. */
export const CUSTOMER_HOLD_CHANNEL = "a customer hold";
const CUSTOMER_PREFIX = "customer:";
export const MAX_NOTE_LENGTH = 200;

export interface HoldProblem {
  path: string;
  message: string;
}

export async function loadHoldsPage(shop: string, now = new Date()) {
  const [holds, locations, timeZone] = await Promise.all([
    activeHoldsOfShop(shop, now, 200),
    listLocations(shop),
    shopTimeZone(shop),
  ]);
  const items = await variantTitlesOf(shop, holds.map((hold) => hold.inventoryItemId));
  const names = new Map(items.map((item) => [item.inventoryItemId, variantName(item)]));
  const active = locations.filter((location) => location.isActive);
  return {
    /** The time fields are in the shop's time zone, named by its short name now ("EST"). */
    timeZoneName: zoneShortNameAt(now.getTime(), timeZone),
    locations: active.map((location) => location.name),
    /**
     * What the Location select starts on: a location that fulfils online orders (where a shop
     * keeps its stock to sell, e.g. the warehouse), not the first name alphabetically, which is
     * often a store with a few units. Shopify's primary location is not stored; the first active
     * location stands in when none fulfils online orders.
     */
    defaultLocation: (active.find((location) => location.fulfillsOnlineOrders) ?? active[0])?.name ?? "",
    holds: holds.map((hold) => ({
      id: hold.id,
      kind: hold.holder.startsWith(CUSTOMER_PREFIX) ? ("customer" as const) : ("cart" as const),
      sku: hold.sku,
      variant: names.get(hold.inventoryItemId) ?? "",
      units: hold.units,
      location: hold.location,
      channel: hold.holder.startsWith(CUSTOMER_PREFIX) ? "every channel" : hold.channel,
      note: hold.note,
      expiresAt: formatDateTime(hold.expiresAt, timeZone),
      /** The end as the time field shows it: the shop's wall clock. */
      expiresAtLocal: wallClockAt(hold.expiresAt.getTime(), timeZone),
      timeLeft: formatTimeLeft(hold.expiresAt.getTime(), now.getTime()),
    })),
  };
}

function parseExpiry(text: string, now: Date, problems: HoldProblem[], timeZone: string): Date | null {
  // <input type="datetime-local"> sends "2026-12-04T17:00" (no zone): the shop's wall clock, as the
  // field's label says; a text with its own offset (an API caller) is taken as written.
  const local = instantOfWallClock(text, timeZone);
  const date = /[zZ]|[+-]\d\d:\d\d$/.test(text) ? new Date(text) : local === null ? null : new Date(local);
  // Past year 9999 is no time a merchant picks, and the database cannot store it (a 500 before).
  if (!text || !date || Number.isNaN(date.getTime()) || date.getUTCFullYear() > 9999) {
    problems.push({ path: "expiresAt", message: "pick when the hold ends" });
    return null;
  }
  if (date.getTime() <= now.getTime()) {
    problems.push({ path: "expiresAt", message: "must be in the future" });
    return null;
  }
  return date;
}

export type HoldResult = { ok: true; id: string } | { ok: false; problems: HoldProblem[] };

/** The variants whose SKU, product or variant title contains the text, for the holds page's picker. */
export async function searchVariants(shop: string, query: string, take = 10) {
  const text = query.trim();
  const rows = await variantsMatching(shop, text, take);
  return rows.map((row) => ({ item: row.inventoryItemId, label: `${variantName(row)} · ${row.sku || "no SKU"}` }));
}

/**
 * The variant a hold is for: the picked inventory item, else the typed SKU when exactly one
 * variant carries it (twins share SKUs and some variants have none: docs/decisions/020).
 */
async function heldVariant(shop: string, input: { sku: string; item?: string }, problems: HoldProblem[]) {
  const picked = input.item?.trim();
  if (picked) {
    const item = await catalogItemById(shop, picked);
    if (!item) problems.push({ path: "sku", message: "this variant is no longer in the catalog" });
    return item;
  }
  const sku = input.sku.trim();
  if (!sku) {
    problems.push({ path: "sku", message: "pick the variant to hold" });
    return null;
  }
  const matches = await catalogItemsWithSku(shop, sku, 5);
  if (matches.length === 0) problems.push({ path: "sku", message: `unknown SKU "${sku}"` });
  else if (matches.length > 1) {
    problems.push({ path: "sku", message: `SKU "${sku}" is on several variants (${matches.map(variantName).join(", ")}): pick the one to hold from the list` });
  }
  return matches.length === 1 ? matches[0]! : null;
}

export async function createCustomerHold(
  shop: string,
  input: { sku: string; item?: string; location: string; units: string; expiresAt: string; note: string },
  { createdBy, now = new Date() }: { createdBy: string; now?: Date },
): Promise<HoldResult> {
  const problems: HoldProblem[] = [];
  const units = Number(input.units);
  const note = input.note.trim();
  const item = await heldVariant(shop, input, problems);
  const sku = item?.sku ?? "";
  const location = (await listLocations(shop)).find((entry) => entry.name === input.location && entry.isActive);
  if (!location) problems.push({ path: "location", message: input.location ? `unknown location "${input.location}"` : "pick the location that keeps the units" });
  if (!Number.isInteger(units) || units < 1) problems.push({ path: "units", message: `must be a whole number of at least 1, got ${JSON.stringify(input.units)}` });
  if (note.length > MAX_NOTE_LENGTH) problems.push({ path: "note", message: `is too long (at most ${MAX_NOTE_LENGTH} characters)` });
  const timeZone = await shopTimeZone(shop);
  const expiresAt = parseExpiry(input.expiresAt.trim(), now, problems, timeZone);
  if (item && location && Number.isInteger(units) && units >= 1) {
    const level = await levelStateFor(shop, item.inventoryItemId, location.locationId);
    const available = level?.available ?? 0;
    if (units > available) problems.push({ path: "units", message: `only ${available} available for sale at ${location.name}` });
  }
  if (problems.length > 0 || !item || !location || !expiresAt) return { ok: false, problems };

  const hold = await placeCustomerHold(shop, {
    holder: `${CUSTOMER_PREFIX}${randomUUID()}`,
    channel: CUSTOMER_HOLD_CHANNEL,
    inventoryItemId: item.inventoryItemId,
    variantId: item.variantId,
    sku,
    units,
    expiresAt,
    location: location.name,
    note: note || null,
  });
  await recordAudit(shop, [
    {
      subject: "customer_hold",
      sku,
      inventoryItemId: item.inventoryItemId,
      locationId: location.locationId,
      after: units,
      reason: `Held ${units} for a customer until ${formatDateTime(expiresAt, timeZone)}${note ? `: ${note}` : ""} (by ${createdBy})`,
      actor: "merchant",
    },
  ]);
  await enqueueRecompute(shop, [item.inventoryItemId]);
  return { ok: true, id: hold.id };
}

async function customerHold(shop: string, id: string) {
  const hold = await activeHold(shop, id);
  return hold && hold.holder.startsWith(CUSTOMER_PREFIX) ? hold : null;
}

export async function extendCustomerHold(shop: string, id: string, expiresAtText: string, { createdBy, now = new Date() }: { createdBy: string; now?: Date }): Promise<HoldResult> {
  const hold = await customerHold(shop, id);
  if (!hold) return { ok: false, problems: [{ path: "hold", message: "this hold has ended or does not exist" }] };
  const problems: HoldProblem[] = [];
  const timeZone = await shopTimeZone(shop);
  const expiresAt = parseExpiry(expiresAtText.trim(), now, problems, timeZone);
  if (!expiresAt) return { ok: false, problems };
  await extendHold(shop, id, expiresAt);
  await recordAudit(shop, [
    { subject: "customer_hold", sku: hold.sku, inventoryItemId: hold.inventoryItemId, after: hold.units, reason: `Hold extended until ${formatDateTime(expiresAt, timeZone)} (by ${createdBy})`, actor: "merchant" },
  ]);
  await enqueueRecompute(shop, [hold.inventoryItemId]);
  return { ok: true, id };
}

export async function releaseCustomerHold(shop: string, id: string, { createdBy }: { createdBy: string }): Promise<HoldResult> {
  const hold = await customerHold(shop, id);
  if (!hold) return { ok: false, problems: [{ path: "hold", message: "this hold has ended or does not exist" }] };
  await releaseHold(shop, id);
  await recordAudit(shop, [
    { subject: "customer_hold", sku: hold.sku, inventoryItemId: hold.inventoryItemId, before: hold.units, after: 0, reason: `Released ${hold.units} held for a customer (by ${createdBy})`, actor: "merchant" },
  ]);
  await enqueueRecompute(shop, [hold.inventoryItemId]);
  return { ok: true, id };
}
