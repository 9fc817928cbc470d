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
const LEVEL_FIELDS = ["sku", "location", ...QUANTITIES, "received"];

/** Refuses a snapshot with every problem listed; on success the input itself is returned, typed. */
export function validateSnapshot(input: unknown): Result<Snapshot> {
  const problems = new ProblemList();
  if (!isObject(input)) return refused([{ path: "", message: "a snapshot must be a JSON object" }]);
  checkKnownFields(problems, "snapshot", input, ["syncLagMinutes", "levels", "items", "holds", "channels", "locations"]);
  checkNonNegativeNumber(problems, "syncLagMinutes", input.syncLagMinutes, true);

  if (!Array.isArray(input.levels)) problems.add("levels", "is required (a list of inventory levels)");
  else {
    const seen = new Set<string>();
    input.levels.forEach((level: unknown, i) => {
      const path = `levels[${i}]`;
      if (!isObject(level)) return problems.add(path, "must be an object");
      checkKnownFields(problems, path, level, LEVEL_FIELDS);
      const named = checkName(problems, `${path}.sku`, level.sku, true) && checkName(problems, `${path}.location`, level.location, true);
      for (const field of QUANTITIES) checkWholeUnits(problems, `${path}.${field}`, level[field], true);
      checkWholeUnits(problems, `${path}.received`, level.received, false);
      if (!named) return;
      const key = `${String(level.sku)}\u0000${String(level.location)}`;
      if (seen.has(key)) problems.add(path, `${String(level.sku)} at ${String(level.location)} appears twice`);
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
        checkKnownFields(problems, path, item, ["sku", "product", "tags", "unitsPerMinute", "unitsPerMinuteByChannel"]);
        if (checkName(problems, `${path}.sku`, item.sku, true)) {
          if (seen.has(item.sku)) problems.add(`${path}.sku`, `"${item.sku}" is listed twice`);
          seen.add(item.sku);
        }
        checkName(problems, `${path}.product`, item.product, false);
        checkNameList(problems, `${path}.tags`, item.tags, false);
        checkNonNegativeNumber(problems, `${path}.unitsPerMinute`, item.unitsPerMinute, false);
        const byChannel = item.unitsPerMinuteByChannel;
        if (byChannel !== undefined) {
          if (!isObject(byChannel)) problems.add(`${path}.unitsPerMinuteByChannel`, "must be an object of channel → units per minute");
          else for (const [channel, rate] of Object.entries(byChannel)) checkNonNegativeNumber(problems, `${path}.unitsPerMinuteByChannel.${channel}`, rate, true);
        }
      });
    }
  }

  if (input.holds !== undefined) {
    if (!Array.isArray(input.holds)) problems.add("holds", "must be a list of holds");
    else {
      input.holds.forEach((hold: unknown, i) => {
        const path = `holds[${i}]`;
        if (!isObject(hold)) return problems.add(path, "must be an object");
        checkKnownFields(problems, path, hold, ["sku", "channel", "units", "expiresAt"]);
        checkName(problems, `${path}.sku`, hold.sku, true);
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
