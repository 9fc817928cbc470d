/**
 * Pure helpers of the rules editor form: the draft is the policy document itself (format v1), so
 * the engine's problem paths (`protection[3].units`) point straight at a form row and field.
 */
import { zoneShortName } from "./shop-clock";

export type Json = Record<string, unknown>;
export interface DraftDocument {
  version: 1;
  protection: Json[];
  channels: Json[];
}

export interface Problem {
  path: string;
  message: string;
}

export function asDraft(document: unknown): DraftDocument {
  const value = (typeof document === "object" && document !== null ? document : {}) as Json;
  return {
    version: 1,
    protection: Array.isArray(value.protection) ? (value.protection as Json[]) : [],
    channels: Array.isArray(value.channels) ? (value.channels as Json[]) : [],
  };
}

/** The text a number field shows for a stored value. */
export function fieldText(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

/**
 * A typed field → the document value: empty leaves the field out, a number is stored as a number,
 * anything else is kept as typed so the engine's validator names it ("must be a whole number, got …").
 */
export function fieldValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : trimmed;
}

/** Sets (or, for undefined, removes) one field of a rule, returning a new rule. */
export function withField(rule: Json, field: string, value: unknown): Json {
  const next = { ...rule };
  if (value === undefined || value === "") delete next[field];
  else next[field] = value;
  return next;
}

/** "must not be negative, got -1" → "Must not be negative, got -1". */
export function merchantText(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/**
 * A problem's message with the engine's references to other rules ("same kind and scope as
 * protection[0]; keep one") in the form's names ("… as Exception 1; keep one"): the merchant sees
 * rows, not places in the policy file.
 */
export function merchantMessage(message: string, draft: DraftDocument, channels: readonly { handle: string; name: string }[] = []): string {
  return merchantText(message.replace(/\b(?:protection|channels)\[\d+\]/g, (path) => describeProblemPath(path, draft, channels)));
}

/** Problems grouped by exact path, for inline field errors, in the form's names. */
export function problemsByPath(problems: readonly Problem[], draft: DraftDocument, channels: readonly { handle: string; name: string }[] = []): Map<string, string> {
  const byPath = new Map<string, string>();
  for (const problem of problems) {
    const text = merchantMessage(problem.message, draft, channels);
    byPath.set(problem.path, byPath.has(problem.path) ? `${byPath.get(problem.path)}; ${text}` : text);
  }
  return byPath;
}

/** Which item field a rule is scoped by (the engine allows at most one). */
export type ItemKind = "every" | "sku" | "product" | "tag";

export function itemKindOf(rule: Json): ItemKind {
  if (rule.sku !== undefined) return "sku";
  if (rule.product !== undefined) return "product";
  if (rule.tag !== undefined) return "tag";
  return "every";
}

export function withItemKind(rule: Json, kind: ItemKind): Json {
  const value = rule.sku ?? rule.product ?? rule.tag ?? "";
  const next = { ...rule };
  delete next.sku;
  delete next.product;
  delete next.tag;
  if (kind !== "every") next[kind] = value;
  return next;
}

/** Sections of the editor: which protection rules each one lists. */
export function isDefaultRule(rule: Json): boolean {
  return rule.kind === "safety_stock" && rule.location === undefined && itemKindOf(rule) === "every";
}

export function isLocationRule(rule: Json): boolean {
  return rule.kind === "safety_stock" && rule.location !== undefined && itemKindOf(rule) === "every";
}

export function isException(rule: Json): boolean {
  return (rule.kind === "safety_stock" && itemKindOf(rule) !== "every") || rule.kind === "display";
}

/**
 * A release wave's time field as the editor labels it, in the shop's zone at that wave's date
 * ("Release 1 at (EST)", "Release 2 at (EDT)"): the merchant types their shop's wall clock
 * (shop-clock.ts), and the problem banner names the field the same way.
 */
export function releaseAtLabel(place: number, at: unknown, timeZone: string): string {
  const instant = typeof at === "string" && !Number.isNaN(Date.parse(at)) ? new Date(at) : new Date();
  return `Release ${place} at (${zoneShortName(timeZone, instant)})`;
}

/**
 * A protection rule's name as the editor shows it: the "Default safety stock" card, or the row's
 * place in its section ("Exception 1" is the first row under Exceptions), so the problem banner
 * and each row's Remove button say the same thing as the form.
 */
export function protectionRowName(draft: DraftDocument, index: number): string {
  const rule = draft.protection[index];
  if (!rule) return `Rule ${index + 1}`;
  if (isDefaultRule(rule)) return "Default safety stock";
  if (isLocationRule(rule)) return `Location rule for ${fieldText(rule.location) || "no location"}`;
  const sections: [(rule: Json) => boolean, string][] = [
    [isException, "Exception"],
    [(r) => r.kind === "velocity_buffer", "Velocity buffer"],
    [(r) => r.kind === "quarantine", "Quarantine"],
    [(r) => r.kind === "release_gate", "Release gate"],
  ];
  const section = sections.find(([belongs]) => belongs(rule));
  if (!section) return `Rule ${index + 1}`;
  const [belongs, name] = section;
  const place = draft.protection.slice(0, index + 1).filter(belongs).length;
  return `${name} ${place}`;
}

/** The labels of the editor's fields (rules-editor.tsx), by the engine's field name. */
const PROTECTION_FIELDS: Record<string, string> = {
  kind: "Kind",
  units: "Units",
  sku: "SKU",
  product: "Product",
  tag: "Tag",
  location: "Location",
  riskFactor: "Risk factor",
  minUnits: "At least (units)",
  maxUnits: "At most (units)",
  skus: "SKUs",
  locations: "Take the units from",
  releases: "Release waves",
};

const CHANNEL_FIELDS: Record<string, string> = {
  channel: "Channel",
  tier: "Tier",
  allocationPercent: "Percent of the pool",
  fixedUnits: "Fixed units",
  maxUnits: "Cap (units)",
  networkMinimum: "Network minimum",
  ringFenceSizing: "Ring fence",
  ringFenceUnits: "Ring-fenced units",
  ringFenceMinUnits: "Keep back at least (units per SKU)",
  refreshSeconds: "Reads its number every (seconds)",
  pauseBelow: "Pause below (units)",
  alertBelow: "Alert below (units)",
  reserveForHigherTiersBelow: "0 while the pool is under",
  locations: "Draws from",
};

function fieldName(field: string, labels: Record<string, string>, rule: Json | undefined, timeZone: string): string {
  const release = /^releases\[(\d+)\]\.(at|units)$/.exec(field);
  if (release) {
    const index = Number(release[1]);
    const wave = Array.isArray(rule?.releases) ? (rule.releases as Json[])[index] : undefined;
    return release[2] === "at" ? releaseAtLabel(index + 1, wave?.at, timeZone) : `Release ${index + 1} units`;
  }
  const base = field.replace(/\[\d+\]$/, "");
  if (rule?.kind === "quarantine" && base === "units") return "Units held per SKU";
  return labels[base] ?? field;
}

/**
 * An engine path → the names the form shows: "protection[0].units" → "Default safety stock",
 * "protection[1].sku" → "Exception 1, SKU", "channels[0].tier" → "Online Store, Tier".
 */
export function describeProblemPath(path: string, draft: DraftDocument, channels: readonly { handle: string; name: string }[] = [], timeZone = "UTC"): string {
  const match = /^(protection|channels)\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (!match) return path;
  const [, list, indexText, field] = match;
  const index = Number(indexText);
  if (list === "channels") {
    const rule = draft.channels[index];
    const handle = fieldText(rule?.channel);
    const what = channels.find((channel) => channel.handle === handle)?.name ?? (handle || `Channel ${index + 1}`);
    return field ? `${what}, ${fieldName(field, CHANNEL_FIELDS, rule, timeZone)}` : what;
  }
  const rule = draft.protection[index];
  const what = protectionRowName(draft, index);
  // The default card has one field (its units): the card's name says where.
  if (!field || (rule && isDefaultRule(rule) && field === "units")) return what;
  return `${what}, ${fieldName(field, PROTECTION_FIELDS, rule, timeZone)}`;
}
