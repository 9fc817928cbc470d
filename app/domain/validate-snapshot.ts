import {
  checkInstant,
  checkKnownFields,
  checkName,
  checkNameList,
  checkNonNegativeNumber,
  checkWholeUnits,
  isObject,
  ProblemList,
} from "./checks";
import { ok, refused, type Result } from "./result";
import type { Snapshot } from "./types";

const QUANTITIES = ["onHand", "committed", "reserved", "damaged", "qualityControl", "incoming"] as const;
const LEVEL_FIELDS = ["item", "sku", "location", ...QUANTITIES, "received"];

/**
 * `item` (the inventory item) is a level's, item's or hold's identity; without it the SKU is
 * (files from before identity). With an `item`, the SKU is only a label and may be "" (a variant
 * without a SKU) or shared with other items. Returns the identity, or undefined when unusable.
 */
function checkIdentity(problems: ProblemList, path: string, entry: Record<string, unknown>): string | undefined {
  if (entry.item !== undefined) {
    const named = checkName(problems, `${path}.item`, entry.item, true);
    if (typeof entry.sku !== "string") {
      problems.add(`${path}.sku`, entry.sku === undefined ? "is required (\"\" when the variant has no SKU)" : `must be a string, got ${JSON.stringify(entry.sku)}`);
    }
    return named ? (entry.item as string) : undefined;
  }
  return checkName(problems, `${path}.sku`, entry.sku, true) ? entry.sku : undefined;
}

/** Per channel, a list of { units, publishedAtMs } (a self-sizing reserve's listings, docs/decisions/032). */
function checkPublishedReserves(problems: ProblemList, path: string, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value)) return problems.add(path, "must be an object of channel → list of { units, publishedAtMs }");
  for (const [channel, list] of Object.entries(value)) {
    if (!Array.isArray(list)) {
      problems.add(`${path}.${channel}`, "must be a list of { units, publishedAtMs }");
      continue;
    }
    list.forEach((entry: unknown, i) => {
      const at = `${path}.${channel}[${i}]`;
      if (!isObject(entry)) return problems.add(at, "must be an object");
      checkKnownFields(problems, at, entry, ["units", "publishedAtMs", "soldSince", "soldSinceReplaced"]);
      checkWholeUnits(problems, `${at}.units`, entry.units, true);
      // The channel's sales since the listing / since its replacement could be read (docs/decisions/032).
      checkWholeUnits(problems, `${at}.soldSince`, entry.soldSince, false);
      checkWholeUnits(problems, `${at}.soldSinceReplaced`, entry.soldSinceReplaced, false);
      checkNonNegativeNumber(problems, `${at}.publishedAtMs`, entry.publishedAtMs, true);
    });
  }
}

/** Refuses a snapshot with every problem listed; on success the input itself is returned, typed. */
export function validateSnapshot(input: unknown): Result<Snapshot> {
  const problems = new ProblemList();
  if (!isObject(input)) return refused([{ path: "", message: "a snapshot must be a JSON object" }]);
  checkKnownFields(problems, "snapshot", input, ["syncLagMinutes", "levels", "items", "holds", "channels", "locations"]);
  checkNonNegativeNumber(problems, "syncLagMinutes", input.syncLagMinutes, true);

  if (!Array.isArray(input.levels)) problems.add("levels", "is required (a list of inventory levels)");
  else {
    const seen = new Set<string>();
    const skuOfItem = new Map<string, unknown>();
    input.levels.forEach((level: unknown, i) => {
      const path = `levels[${i}]`;
      if (!isObject(level)) return problems.add(path, "must be an object");
      checkKnownFields(problems, path, level, LEVEL_FIELDS);
      const id = checkIdentity(problems, path, level);
      const located = checkName(problems, `${path}.location`, level.location, true);
      for (const field of QUANTITIES) checkWholeUnits(problems, `${path}.${field}`, level[field], true);
      checkWholeUnits(problems, `${path}.received`, level.received, false);
      if (id === undefined || !located) return;
      // One item has one SKU: rules would otherwise apply to some of its levels and not others.
      if (!skuOfItem.has(id)) skuOfItem.set(id, level.sku);
      else if (skuOfItem.get(id) !== level.sku) problems.add(`${path}.sku`, `item ${id} has SKU ${JSON.stringify(skuOfItem.get(id))} at another level`);
      const key = `${id}\u0000${String(level.location)}`;
      if (seen.has(key)) problems.add(path, `${id} at ${String(level.location)} appears twice`);
      seen.add(key);
    });
  }

  if (input.items !== undefined) {
    if (!Array.isArray(input.items)) problems.add("items", "must be a list of items");
    else {
      const seen = new Set<string>();
      input.items.forEach((item: unknown, i) => {
        const path = `items[${i}]`;
        if (!isObject(item)) return problems.add(path, "must be an object");
        checkKnownFields(problems, path, item, ["item", "sku", "product", "tags", "unitsPerMinute", "unitsPerMinuteByChannel", "publishedReserves", "unpublishedChannels"]);
        const id = checkIdentity(problems, path, item);
        if (id !== undefined) {
          const field = item.item !== undefined ? "item" : "sku";
          if (seen.has(id)) problems.add(`${path}.${field}`, `"${id}" is listed twice`);
          seen.add(id);
        }
        checkName(problems, `${path}.product`, item.product, false);
        checkNameList(problems, `${path}.tags`, item.tags, false);
        checkNameList(problems, `${path}.unpublishedChannels`, item.unpublishedChannels, false);
        checkNonNegativeNumber(problems, `${path}.unitsPerMinute`, item.unitsPerMinute, false);
        const byChannel = item.unitsPerMinuteByChannel;
        if (byChannel !== undefined) {
          if (!isObject(byChannel)) problems.add(`${path}.unitsPerMinuteByChannel`, "must be an object of channel → units per minute");
          else for (const [channel, rate] of Object.entries(byChannel)) checkNonNegativeNumber(problems, `${path}.unitsPerMinuteByChannel.${channel}`, rate, true);
        }
        checkPublishedReserves(problems, `${path}.publishedReserves`, item.publishedReserves);
      });
    }
  }

  if (input.holds !== undefined) {
    if (!Array.isArray(input.holds)) problems.add("holds", "must be a list of holds");
    else {
      input.holds.forEach((hold: unknown, i) => {
        const path = `holds[${i}]`;
        if (!isObject(hold)) return problems.add(path, "must be an object");
        checkKnownFields(problems, path, hold, ["item", "sku", "channel", "units", "expiresAt"]);
        checkIdentity(problems, path, hold);
        checkName(problems, `${path}.channel`, hold.channel, true);
        checkWholeUnits(problems, `${path}.units`, hold.units, true);
        checkInstant(problems, `${path}.expiresAt`, hold.expiresAt);
      });
    }
  }
  checkNameList(problems, "channels", input.channels, false);
  checkLocations(problems, input.locations);

  return problems.isEmpty ? ok(input as unknown as Snapshot) : refused(problems.problems);
}

/** `locations`: names, or `{ name, active?, fulfillsOnlineOrders? }` with what each location can do. */
function checkLocations(problems: ProblemList, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return problems.add("locations", "must be a list of location names or { name, active?, fulfillsOnlineOrders? }");
  const seen = new Set<string>();
  value.forEach((entry: unknown, i) => {
    const path = `locations[${i}]`;
    let name: unknown = entry;
    if (isObject(entry)) {
      checkKnownFields(problems, path, entry, ["name", "active", "fulfillsOnlineOrders"]);
      for (const flag of ["active", "fulfillsOnlineOrders"] as const) {
        if (entry[flag] !== undefined && typeof entry[flag] !== "boolean") {
          problems.add(`${path}.${flag}`, `must be true or false, got ${JSON.stringify(entry[flag])}`);
        }
      }
      name = entry.name;
      if (!checkName(problems, `${path}.name`, name, true)) return;
    } else if (!checkName(problems, path, name, true)) return;
    if (seen.has(name as string)) problems.add(path, `"${String(name)}" is listed twice`);
    seen.add(name as string);
  });
}
