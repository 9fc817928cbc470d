/**
 * The one policy check: a policy document and the shop's facts in, every problem (with the path
 * it concerns) out. The rules editor, the preview, Publish, `policy:apply` and both imports ask
 * this and nothing else, so a draft the editor accepts is one Publish accepts.
 */
import {
  checkInstant,
  checkJsonText,
  checkKnownFields,
  checkListLength,
  checkName,
  checkNameList,
  checkNonNegativeNumber,
  checkWholeUnits,
  isObject,
  ProblemList,
  shown,
  type Json,
} from "./checks";
import { channelKind, locationsOf, unreachableBecause, type LocationCapabilities } from "./channels";
import { unitsText } from "./explain";
import { POLICY_LIMITS } from "./policy-limits";
import { ok, refused, type Result } from "./result";
import { scopeKey } from "./scope";
import type { Policy, ProtectionKind, Snapshot } from "./types";

/** What the shop has that a policy may name. Pass the whole catalog, not just the SKUs being planned. */
export interface ShopFacts {
  /**
   * Every location with what it can do: a channel rule may only draw from locations that can
   * fill the channel's orders (docs/decisions/007).
   */
  readonly locations: ReadonlyMap<string, LocationCapabilities>;
  readonly skus: ReadonlySet<string>;
  /** When given, channel rules must name one of these handles; when absent, channel names are not checked. */
  readonly channels?: ReadonlySet<string>;
}

/** The facts a snapshot holds: its locations (listed and in levels) and SKUs (in levels and items). */
export function shopFactsOf(snapshot: Snapshot, channels?: Iterable<string>): ShopFacts {
  const skus = new Set<string>();
  // A blank SKU ("", a variant without one) is no name a rule can use.
  for (const level of snapshot.levels) if (level.sku !== "") skus.add(level.sku);
  for (const item of snapshot.items ?? []) if (item.sku !== "") skus.add(item.sku);
  const locations = locationsOf(snapshot);
  return channels === undefined ? { locations, skus } : { locations, skus, channels: new Set(channels) };
}

/**
 * A policy's text to JSON, refusing oversized or too deeply nested text before the parser
 * recurses into it. `path` names the input in the problem ("policy", "draft").
 */
export function readPolicyText(text: string, path: string): Result<unknown> {
  const tooBig = checkJsonText(text, POLICY_LIMITS.textLength, POLICY_LIMITS.depth);
  if (tooBig) return refused([{ path, message: tooBig }]);
  if (!text.trim()) return refused([{ path, message: "is empty: paste the policy JSON or choose a .json file" }]);
  try {
    return ok(JSON.parse(text));
  } catch (error) {
    return refused([{ path, message: `is not valid JSON: ${(error as Error).message}` }]);
  }
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
  "ringFenceSizing",
  "ringFenceMinUnits",
  "allocationPercent",
  "fixedUnits",
  "maxUnits",
  "reserveForHigherTiersBelow",
  "pauseBelow",
  "alertBelow",
  "paused",
] as const;
const CHANNEL_UNIT_FIELDS = ["networkMinimum", "fixedUnits", "maxUnits", "reserveForHigherTiersBelow", "pauseBelow", "alertBelow"] as const;

function isKind(value: unknown): value is ProtectionKind {
  return typeof value === "string" && Object.hasOwn(FIELDS, value);
}

/** One run of the check: the problems found so far and the facts they are judged against. */
class PolicyCheck {
  readonly problems = new ProblemList();
  private readonly scopesSeen = new Map<string, number>();
  private readonly quarantinedSkus = new Map<string, number>();
  private readonly channelsSeen = new Map<string, number>();

  constructor(private readonly facts: ShopFacts) {}

  location(path: string, value: unknown, required: boolean): void {
    if (checkName(this.problems, path, value, required) && !this.facts.locations.has(value)) {
      this.problems.add(path, `unknown location "${value}"`);
    }
  }

  sku(path: string, value: unknown, required: boolean): void {
    if (checkName(this.problems, path, value, required) && !this.facts.skus.has(value)) this.problems.add(path, `unknown SKU "${value}"`);
  }

  list(path: string, value: unknown, what: string, max: number): readonly unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problems.add(path, `must be a list of ${what}`);
      return [];
    }
    return checkListLength(this.problems, path, value, max) ? value : [];
  }

  protectionRule(rule: unknown, i: number): void {
    const path = `protection[${i}]`;
    const problems = this.problems;
    if (!isObject(rule)) return problems.add(path, "must be an object");
    if (!isKind(rule.kind)) {
      return problems.add(`${path}.kind`, `must be one of ${Object.keys(FIELDS).join(", ")}, got ${shown(rule.kind)}`);
    }
    checkKnownFields(problems, path, rule, FIELDS[rule.kind]);
    if (rule.kind === "quarantine") return this.quarantine(rule, path, i);

    const scoped = rule.kind !== "display";
    this.location(`${path}.location`, rule.location, !scoped);
    this.sku(`${path}.sku`, rule.sku, !scoped);
    if (scoped) {
      checkName(problems, `${path}.product`, rule.product, false);
      checkName(problems, `${path}.tag`, rule.tag, false);
      const itemFields = ["sku", "product", "tag"].filter((f) => rule[f] !== undefined);
      if (itemFields.length > 1) problems.add(path, `a rule scopes one kind of item: pick one of ${itemFields.join(", ")}`);
    }
    if (rule.kind === "safety_stock" || rule.kind === "display") checkWholeUnits(problems, `${path}.units`, rule.units, true);
    if (rule.kind === "velocity_buffer") this.velocityBuffer(rule, path);
    // Same kind + same scope would leave "which one wins" to file order: refuse instead.
    const key = `${rule.kind}|${scopeKey(rule)}`;
    const first = this.scopesSeen.get(key);
    if (first !== undefined) problems.add(path, `same kind and scope as protection[${first}]; keep one`);
    else this.scopesSeen.set(key, i);
  }

  private velocityBuffer(rule: Json, path: string): void {
    checkNonNegativeNumber(this.problems, `${path}.riskFactor`, rule.riskFactor, false, POLICY_LIMITS.riskFactor);
    const minOk = checkWholeUnits(this.problems, `${path}.minUnits`, rule.minUnits, false);
    const maxOk = checkWholeUnits(this.problems, `${path}.maxUnits`, rule.maxUnits, false);
    if (minOk && maxOk && typeof rule.minUnits === "number" && typeof rule.maxUnits === "number" && rule.minUnits > rule.maxUnits) {
      this.problems.add(`${path}.minUnits`, `minUnits ${rule.minUnits} is above maxUnits ${rule.maxUnits}`);
    }
  }

  /** A SKU may sit in one quarantine only; releases may not free more than the rule holds. */
  private quarantine(rule: Json, path: string, i: number): void {
    const problems = this.problems;
    const skus = checkNameList(problems, `${path}.skus`, rule.skus, true);
    if (skus !== undefined && skus.length === 0) problems.add(`${path}.skus`, "must list at least one SKU");
    skus?.forEach((sku, j) => {
      if (!this.facts.skus.has(sku)) problems.add(`${path}.skus[${j}]`, `unknown SKU "${sku}"`);
      const other = this.quarantinedSkus.get(sku);
      if (other !== undefined && other !== i) problems.add(`${path}.skus[${j}]`, `"${sku}" is already quarantined by protection[${other}]`);
      else this.quarantinedSkus.set(sku, i);
    });
    const locations = checkNameList(problems, `${path}.locations`, rule.locations, false);
    if (locations !== undefined && locations.length === 0) problems.add(`${path}.locations`, "must list at least one location");
    locations?.forEach((location, j) => this.location(`${path}.locations[${j}]`, location, true));
    const unitsOk = checkWholeUnits(problems, `${path}.units`, rule.units, true);
    if (rule.releases === undefined) return;
    if (!Array.isArray(rule.releases)) return problems.add(`${path}.releases`, "must be a list of { at, units }");
    let released = 0;
    this.list(`${path}.releases`, rule.releases, "{ at, units }", POLICY_LIMITS.releases).forEach((wave, j) => {
      const wavePath = `${path}.releases[${j}]`;
      if (!isObject(wave)) return problems.add(wavePath, "must be an object { at, units }");
      checkKnownFields(problems, wavePath, wave, ["at", "units"]);
      checkInstant(problems, `${wavePath}.at`, wave.at);
      if (checkWholeUnits(problems, `${wavePath}.units`, wave.units, true)) released += wave.units as number;
    });
    if (unitsOk && released > (rule.units as number)) {
      problems.add(`${path}.releases`, `releases ${released} units but the quarantine holds only ${String(rule.units)}`);
    }
  }

  channelRule(rule: unknown, i: number): void {
    const path = `channels[${i}]`;
    const problems = this.problems;
    if (!isObject(rule)) return problems.add(path, "must be an object");
    checkKnownFields(problems, path, rule, CHANNEL_FIELDS);
    if (checkName(problems, `${path}.channel`, rule.channel, true)) {
      if (this.facts.channels !== undefined && !this.facts.channels.has(rule.channel)) problems.add(`${path}.channel`, `unknown channel "${rule.channel}"`);
      const first = this.channelsSeen.get(rule.channel);
      if (first !== undefined) problems.add(`${path}.channel`, `"${rule.channel}" already has a rule at channels[${first}]`);
      else this.channelsSeen.set(rule.channel, i);
    }
    const channel = typeof rule.channel === "string" ? rule.channel : "";
    const tier = rule.tier;
    if (tier !== undefined && (typeof tier !== "number" || !Number.isInteger(tier) || tier < 1)) {
      problems.add(`${path}.tier`, `must be a whole number from 1 (highest priority), got ${shown(tier)}`);
    } else if (typeof tier === "number" && tier > POLICY_LIMITS.tier) problems.add(`${path}.tier`, `must be at most ${POLICY_LIMITS.tier}, got ${tier}`);
    this.channelReach(rule, path, channel);
    for (const field of CHANNEL_UNIT_FIELDS) checkWholeUnits(problems, `${path}.${field}`, rule[field], false);
    const refresh = rule.refreshSeconds;
    if (refresh !== undefined && (typeof refresh !== "number" || !Number.isFinite(refresh) || refresh <= 0)) {
      problems.add(
        `${path}.refreshSeconds`,
        `must be a positive number of seconds (how often ${channel || "the channel"} re-reads its listing), got ${shown(refresh)}`,
      );
    } else if (typeof refresh === "number" && refresh > POLICY_LIMITS.refreshSeconds) {
      problems.add(`${path}.refreshSeconds`, `must be at most ${POLICY_LIMITS.refreshSeconds} seconds (a day), got ${refresh}`);
    }
    // A POS checkout reads its own store's Shopify available, so the only fence it could have is
    // location protection at that store, which a safety_stock or display rule already says.
    if (checkWholeUnits(problems, `${path}.ringFenceUnits`, rule.ringFenceUnits, false) && channel && channelKind(channel) === "pos" && (rule.ringFenceUnits as number) > 0) {
      problems.add(
        `${path}.ringFenceUnits`,
        `${channel} sells from each store's Shopify available, so units cannot be fenced for it across stores; keep them for a store with a safety_stock or display rule at that location`,
      );
    }
    this.reserveSizing(rule, path, channel);
    const percent = rule.allocationPercent;
    if (percent !== undefined && (typeof percent !== "number" || !Number.isFinite(percent) || percent < 0 || percent > 100)) {
      problems.add(`${path}.allocationPercent`, `must be a number from 0 to 100, got ${shown(percent)}`);
    }
    if (percent !== undefined && rule.fixedUnits !== undefined) problems.add(path, "use allocationPercent or fixedUnits, not both");
    if (rule.paused !== undefined && typeof rule.paused !== "boolean") problems.add(`${path}.paused`, `must be true or false, got ${shown(rule.paused)}`);
  }

  /**
   * A reserve that sizes itself (docs/policy.md § 4, docs/decisions/032) is sized from the channel's
   * refresh window, so it needs one, and from a cap the merchant sets (`ringFenceUnits`): a measured
   * rate alone could fence a whole warehouse.
   */
  private reserveSizing(rule: Json, path: string, channel: string): void {
    const problems = this.problems;
    const sizing = rule.ringFenceSizing;
    const name = channel || "the channel";
    if (sizing !== undefined && sizing !== "fixed" && sizing !== "measured") {
      problems.add(`${path}.ringFenceSizing`, `must be "fixed" or "measured", got ${shown(sizing)}`);
    }
    const minimumOk = checkWholeUnits(problems, `${path}.ringFenceMinUnits`, rule.ringFenceMinUnits, false);
    if (sizing !== "measured") {
      if (rule.ringFenceMinUnits !== undefined) problems.add(`${path}.ringFenceMinUnits`, `only a reserve that sizes itself has a minimum: set ringFenceSizing to "measured", or leave it out`);
      return;
    }
    const cap = rule.ringFenceUnits;
    if (cap === undefined || cap === 0) {
      problems.add(`${path}.ringFenceUnits`, `a reserve that sizes itself needs a cap: the most units ${name} may keep back for a SKU`);
    }
    if (rule.refreshSeconds === undefined) {
      problems.add(`${path}.refreshSeconds`, `a reserve that sizes itself needs how often ${name} reads its number (refreshSeconds): it keeps what ${name} sells between two reads`);
    }
    if (minimumOk && typeof cap === "number" && typeof rule.ringFenceMinUnits === "number" && rule.ringFenceMinUnits > cap) {
      problems.add(`${path}.ringFenceMinUnits`, `must not be above the cap (${unitsText(cap)}), got ${rule.ringFenceMinUnits}`);
    }
  }

  /** A channel offered stock its orders can never reach oversells (docs/decisions/007). */
  private channelReach(rule: Json, path: string, channel: string): void {
    const locations = checkNameList(this.problems, `${path}.locations`, rule.locations, false);
    if (locations !== undefined && locations.length === 0) this.problems.add(`${path}.locations`, "must list at least one location");
    locations?.forEach((location, j) => {
      const capabilities = this.facts.locations.get(location);
      if (capabilities === undefined) return this.problems.add(`${path}.locations[${j}]`, `unknown location "${location}"`);
      const because = unreachableBecause(channelKind(channel), capabilities);
      if (because) this.problems.add(`${path}.locations[${j}]`, `${location} ${because}, so ${channel} orders can never be filled from it`);
    });
  }
}

/**
 * Refuses a policy with every problem listed (path + message); nothing partial is ever applied.
 * On success the input is returned typed as a Policy, with missing lists filled in.
 */
export function checkPolicy(input: unknown, facts: ShopFacts): Result<Policy> {
  if (!isObject(input)) return refused([{ path: "", message: "a policy must be a JSON object" }]);
  const check = new PolicyCheck(facts);
  checkKnownFields(check.problems, "policy", input, ["version", "protection", "channels"]);
  if (input.version !== 1) check.problems.add("version", `must be 1, got ${shown(input.version)}`);
  check.list("protection", input.protection, "rules", POLICY_LIMITS.protectionRules).forEach((rule, i) => check.protectionRule(rule, i));
  check.list("channels", input.channels, "channel rules", POLICY_LIMITS.channelRules).forEach((rule, i) => check.channelRule(rule, i));
  if (!check.problems.isEmpty) return refused(check.problems.problems);
  // docs/policy.md: a missing list counts as empty. Say so in the value, so no reader of a stored
  // policy has to (a policy without `channels` used to fail every sync with a TypeError).
  return ok({ ...input, protection: input.protection ?? [], channels: input.channels ?? [] } as unknown as Policy);
}

/**
 * A draft another page may add a rule to: an object whose `protection` and `channels` are lists of
 * objects (either may be missing). The Rules editor stores a draft as typed, mid-edit and possibly
 * invalid ("1", `{"protection": 5}`), so Inventory's bulk edit, the CSV import, a backtest
 * suggestion, the Channels page and Flow ask this first: null means the draft is not one to edit,
 * and it is left exactly as the merchant saved it (bad input gets a clear error and loses nothing).
 */
export function editableDraft(document: unknown): Policy | null {
  if (!isObject(document)) return null;
  const listOfObjects = (value: unknown) => value === undefined || (Array.isArray(value) && value.every(isObject));
  if (!listOfObjects(document.protection) || !listOfObjects(document.channels)) return null;
  return { ...document, protection: document.protection ?? [], channels: document.channels ?? [] } as unknown as Policy;
}

/** Why an edit from another page was refused when the draft is not one to edit. */
export const DRAFT_NOT_EDITABLE =
  "your rules draft is not a list of rules Safestock can add to (it was saved mid-edit): open Rules to fix or discard it, then try again";
