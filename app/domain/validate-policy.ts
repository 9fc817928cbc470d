import {
  checkInstant,
  checkKnownFields,
  checkName,
  checkNameList,
  checkNonNegativeNumber,
  checkWholeUnits,
  isObject,
  ProblemList,
  type Json,
} from "./checks";
import { channelKind, locationsOf, unreachableBecause, type LocationCapabilities } from "./channels";
import { ok, refused, type Result } from "./result";
import { scopeKey } from "./scope";
import type { Policy, ProtectionKind, Snapshot } from "./types";

/** Names the policy may refer to. Pass the whole catalog, not just the SKUs being planned. */
export interface KnownNames {
  readonly locations: ReadonlySet<string>;
  readonly skus: ReadonlySet<string>;
  /** When given, channel rules must name one of these; when absent, channel names are not checked. */
  readonly channels?: ReadonlySet<string>;
  /**
   * What each location can do. A channel rule may only name locations that can fill the channel's
   * orders; a location missing here counts as active and fulfilling online orders.
   */
  readonly capabilities?: ReadonlyMap<string, LocationCapabilities>;
}

/** Known names from a snapshot: its listed locations plus those in levels; SKUs from levels and items. */
export function knownNamesOf(snapshot: Snapshot, channels?: Iterable<string>): KnownNames {
  const capabilities = locationsOf(snapshot);
  const locations = new Set(capabilities.keys());
  const skus = new Set<string>();
  // A blank SKU ("", a variant without one) is no name a rule can use.
  for (const level of snapshot.levels) if (level.sku !== "") skus.add(level.sku);
  for (const item of snapshot.items ?? []) if (item.sku !== "") skus.add(item.sku);
  const channelSet = channels === undefined ? undefined : new Set(channels);
  return channelSet === undefined ? { locations, skus, capabilities } : { locations, skus, channels: channelSet, capabilities };
}

const SCOPE_FIELDS = ["location", "sku", "product", "tag"] as const;
const FIELDS: Record<ProtectionKind, readonly string[]> = {
  safety_stock: ["kind", "units", ...SCOPE_FIELDS],
  display: ["kind", "units", "location", "sku"],
  velocity_buffer: ["kind", "riskFactor", "minUnits", "maxUnits", ...SCOPE_FIELDS],
  quarantine: ["kind", "skus", "units", "releases", "locations"],
  release_gate: ["kind", ...SCOPE_FIELDS],
};
const CHANNEL_FIELDS = [
  "channel",
  "tier",
  "locations",
  "networkMinimum",
  "refreshSeconds",
  "ringFenceUnits",
  "allocationPercent",
  "fixedUnits",
  "maxUnits",
  "reserveForHigherTiersBelow",
  "pauseBelow",
  "paused",
] as const;

function isKind(value: unknown): value is ProtectionKind {
  return typeof value === "string" && Object.hasOwn(FIELDS, value);
}

/**
 * Refuses a policy with every problem listed (path + message); nothing partial is ever applied.
 * On success the input itself is returned, typed as a Policy.
 */
export function validatePolicy(input: unknown, known: KnownNames): Result<Policy> {
  const problems = new ProblemList();
  if (!isObject(input)) return refused([{ path: "", message: "a policy must be a JSON object" }]);
  checkKnownFields(problems, "policy", input, ["version", "protection", "channels"]);
  if (input.version !== 1) problems.add("version", `must be 1, got ${JSON.stringify(input.version)}`);

  const checkLocation = (path: string, value: unknown, required: boolean): void => {
    if (checkName(problems, path, value, required) && !known.locations.has(value)) {
      problems.add(path, `unknown location "${value}"`);
    }
  };
  const checkSku = (path: string, value: unknown, required: boolean): void => {
    if (checkName(problems, path, value, required) && !known.skus.has(value)) problems.add(path, `unknown SKU "${value}"`);
  };

  const protection = input.protection ?? [];
  if (!Array.isArray(protection)) problems.add("protection", "must be a list of rules");
  else {
    const scopesSeen = new Map<string, number>();
    const quarantinedSkus = new Map<string, number>();
    // A SKU may sit in one quarantine only; releases may not free more than the rule holds.
    const checkQuarantine = (rule: Json, path: string, i: number): void => {
      const skus = checkNameList(problems, `${path}.skus`, rule.skus, true);
      if (skus !== undefined && skus.length === 0) problems.add(`${path}.skus`, "must list at least one SKU");
      skus?.forEach((sku, j) => {
        if (!known.skus.has(sku)) problems.add(`${path}.skus[${j}]`, `unknown SKU "${sku}"`);
        const other = quarantinedSkus.get(sku);
        if (other !== undefined && other !== i) {
          problems.add(`${path}.skus[${j}]`, `"${sku}" is already quarantined by protection[${other}]`);
        } else quarantinedSkus.set(sku, i);
      });
      const locations = checkNameList(problems, `${path}.locations`, rule.locations, false);
      if (locations !== undefined && locations.length === 0) problems.add(`${path}.locations`, "must list at least one location");
      locations?.forEach((location, j) => {
        if (!known.locations.has(location)) problems.add(`${path}.locations[${j}]`, `unknown location "${location}"`);
      });
      const unitsOk = checkWholeUnits(problems, `${path}.units`, rule.units, true);
      if (rule.releases === undefined) return;
      if (!Array.isArray(rule.releases)) return problems.add(`${path}.releases`, "must be a list of { at, units }");
      let released = 0;
      rule.releases.forEach((wave: unknown, j) => {
        const wavePath = `${path}.releases[${j}]`;
        if (!isObject(wave)) return problems.add(wavePath, "must be an object { at, units }");
        checkKnownFields(problems, wavePath, wave, ["at", "units"]);
        checkInstant(problems, `${wavePath}.at`, wave.at);
        if (checkWholeUnits(problems, `${wavePath}.units`, wave.units, true)) released += wave.units as number;
      });
      if (unitsOk && released > (rule.units as number)) {
        problems.add(`${path}.releases`, `releases ${released} units but the quarantine holds only ${String(rule.units)}`);
      }
    };

    protection.forEach((rule: unknown, i) => {
      const path = `protection[${i}]`;
      if (!isObject(rule)) return problems.add(path, "must be an object");
      if (!isKind(rule.kind)) {
        return problems.add(`${path}.kind`, `must be one of ${Object.keys(FIELDS).join(", ")}, got ${JSON.stringify(rule.kind)}`);
      }
      checkKnownFields(problems, path, rule, FIELDS[rule.kind]);
      if (rule.kind === "quarantine") return checkQuarantine(rule, path, i);

      const scoped = rule.kind !== "display";
      checkLocation(`${path}.location`, rule.location, !scoped);
      checkSku(`${path}.sku`, rule.sku, !scoped);
      if (scoped) {
        checkName(problems, `${path}.product`, rule.product, false);
        checkName(problems, `${path}.tag`, rule.tag, false);
        const itemFields = ["sku", "product", "tag"].filter((f) => rule[f] !== undefined);
        if (itemFields.length > 1) {
          problems.add(path, `a rule scopes one kind of item: pick one of ${itemFields.join(", ")}`);
        }
      }
      if (rule.kind === "safety_stock" || rule.kind === "display") checkWholeUnits(problems, `${path}.units`, rule.units, true);
      if (rule.kind === "velocity_buffer") {
        checkNonNegativeNumber(problems, `${path}.riskFactor`, rule.riskFactor, false);
        const minOk = checkWholeUnits(problems, `${path}.minUnits`, rule.minUnits, false);
        const maxOk = checkWholeUnits(problems, `${path}.maxUnits`, rule.maxUnits, false);
        if (minOk && maxOk && typeof rule.minUnits === "number" && typeof rule.maxUnits === "number" && rule.minUnits > rule.maxUnits) {
          problems.add(`${path}.minUnits`, `minUnits ${rule.minUnits} is above maxUnits ${rule.maxUnits}`);
        }
      }
      // Same kind + same scope would leave "which one wins" to file order: refuse instead.
      const key = `${rule.kind}|${scopeKey(rule)}`;
      const first = scopesSeen.get(key);
      if (first !== undefined) problems.add(path, `same kind and scope as protection[${first}]; keep one`);
      else scopesSeen.set(key, i);
    });

  }

  const channels = input.channels ?? [];
  if (!Array.isArray(channels)) problems.add("channels", "must be a list of channel rules");
  else {
    const seen = new Map<string, number>();
    channels.forEach((rule: unknown, i) => {
      const path = `channels[${i}]`;
      if (!isObject(rule)) return problems.add(path, "must be an object");
      checkKnownFields(problems, path, rule, CHANNEL_FIELDS);
      if (checkName(problems, `${path}.channel`, rule.channel, true)) {
        if (known.channels !== undefined && !known.channels.has(rule.channel)) {
          problems.add(`${path}.channel`, `unknown channel "${rule.channel}"`);
        }
        const first = seen.get(rule.channel);
        if (first !== undefined) problems.add(`${path}.channel`, `"${rule.channel}" already has a rule at channels[${first}]`);
        else seen.set(rule.channel, i);
      }
      if (rule.tier !== undefined && (typeof rule.tier !== "number" || !Number.isInteger(rule.tier) || rule.tier < 1)) {
        problems.add(`${path}.tier`, `must be a whole number from 1 (highest priority), got ${JSON.stringify(rule.tier)}`);
      }
      const locations = checkNameList(problems, `${path}.locations`, rule.locations, false);
      if (locations !== undefined && locations.length === 0) problems.add(`${path}.locations`, "must list at least one location");
      locations?.forEach((location, j) => {
        if (!known.locations.has(location)) return problems.add(`${path}.locations[${j}]`, `unknown location "${location}"`);
        // A channel offered stock its orders can never reach oversells (docs/decisions/012 § Sales channels).
        const capabilities = known.capabilities?.get(location);
        const channel = typeof rule.channel === "string" ? rule.channel : "";
        const because = capabilities && unreachableBecause(channelKind(channel), capabilities);
        if (because) {
          problems.add(`${path}.locations[${j}]`, `${location} ${because}, so ${channel} orders can never be filled from it`);
        }
      });
      for (const field of ["networkMinimum", "fixedUnits", "maxUnits", "reserveForHigherTiersBelow", "pauseBelow"] as const) {
        checkWholeUnits(problems, `${path}.${field}`, rule[field], false);
      }
      const refresh = rule.refreshSeconds;
      if (refresh !== undefined && (typeof refresh !== "number" || !Number.isFinite(refresh) || refresh <= 0)) {
        problems.add(
          `${path}.refreshSeconds`,
          `must be a positive number of seconds (how often ${typeof rule.channel === "string" ? rule.channel : "the channel"} re-reads its listing), got ${JSON.stringify(refresh)}`,
        );
      }
      // A POS checkout reads its own store's Shopify available, so the only fence it could have is
      // location protection at that store, which a safety_stock or display rule already says.
      if (checkWholeUnits(problems, `${path}.ringFenceUnits`, rule.ringFenceUnits, false) && typeof rule.channel === "string" && channelKind(rule.channel) === "pos" && (rule.ringFenceUnits as number) > 0) {
        problems.add(
          `${path}.ringFenceUnits`,
          `${rule.channel} sells from each store's Shopify available, so units cannot be fenced for it across stores; keep them for a store with a safety_stock or display rule at that location`,
        );
      }
      const percent = rule.allocationPercent;
      if (percent !== undefined && (typeof percent !== "number" || !Number.isFinite(percent) || percent < 0 || percent > 100)) {
        problems.add(`${path}.allocationPercent`, `must be a number from 0 to 100, got ${JSON.stringify(percent)}`);
      }
      if (percent !== undefined && rule.fixedUnits !== undefined) {
        problems.add(path, "use allocationPercent or fixedUnits, not both");
      }
      if (rule.paused !== undefined && typeof rule.paused !== "boolean") {
        problems.add(`${path}.paused`, `must be true or false, got ${JSON.stringify(rule.paused)}`);
      }
    });
  }

  // docs/policy.md: a missing list counts as empty. Say so in the value, so no reader of a stored
  // policy has to (a policy without `channels` used to fail every sync with a TypeError).
  const value = { ...input, protection: input.protection ?? [], channels: input.channels ?? [] } as unknown as Policy;
  return problems.isEmpty ? ok(value) : refused(problems.problems);
}
