/**
 * Pure helpers of the rules editor form: the draft is the policy document itself (format v1), so
 * the engine's problem paths (`protection[3].units`) point straight at a form row and field.
 */

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

/** Problems grouped by exact path, for inline field errors. */
export function problemsByPath(problems: readonly Problem[]): Map<string, string> {
  const byPath = new Map<string, string>();
  for (const problem of problems) {
    const text = merchantText(problem.message);
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

/** ISO instant ↔ the value of an <input type="datetime-local"> (UTC, minutes). */
export function toLocalInput(iso: unknown): string {
  if (typeof iso !== "string") return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 16);
}

export function fromLocalInput(text: string): string | undefined {
  if (!text) return undefined;
  const date = new Date(`${text}:00Z`);
  return Number.isNaN(date.getTime()) ? text : date.toISOString().replace(".000Z", "Z");
}
