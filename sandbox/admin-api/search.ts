/**
 * A small subset of Shopify's search syntax for `query:` arguments
 * (shopify.dev/docs/api/usage/search-syntax): terms separated by spaces are ANDed, `OR`
 * separates alternatives, `-field:value` / `NOT` negates, `field:value` matches exactly
 * (case-insensitive; a trailing `*` is a prefix match), `field:>v`, `:>=`, `:<`, `:<=`
 * compare numbers and dates. A bare word matches the resource's default text fields.
 * Each resource declares which fields it supports (see resolvers); unknown fields are
 * ignored, as Shopify ignores them (it only adds a search warning).
 */
import { parseGid } from "../shop/ids.js";

type Op = ":" | ">" | ">=" | "<" | "<=";
interface Term {
  field: string | null;
  op: Op;
  value: string;
  negate: boolean;
}

export type FieldValue = string | number | null | undefined | readonly string[];
export type SearchFields<T> = Record<string, (item: T) => FieldValue>;

function tokenize(q: string): string[] {
  const out: string[] = [];
  const re = /\s*((?:-?[\w.]+:(?:[<>]=?)?)?(?:"[^"]*"|'[^']*'|[^\s()]+)|\(|\))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q))) if (m[1]) out.push(m[1]);
  return out;
}

function parseTerm(tok: string): Term {
  let negate = false;
  let t = tok;
  if (t.startsWith("-")) {
    negate = true;
    t = t.slice(1);
  }
  const m = /^([\w.]+):(>=|<=|>|<)?(.*)$/.exec(t);
  const unquote = (s: string) => s.replace(/^["'](.*)["']$/, "$1");
  if (!m) return { field: null, op: ":", value: unquote(t), negate };
  return { field: m[1]!.toLowerCase(), op: (m[2] as Op | undefined) ?? ":", value: unquote(m[3]!), negate };
}

/** Disjunction of conjunctions. */
export function parseSearch(q: string): Term[][] {
  const groups: Term[][] = [[]];
  let negateNext = false;
  for (const tok of tokenize(q)) {
    if (tok === "(" || tok === ")" || tok === "AND") continue;
    if (tok === "OR") {
      groups.push([]);
      continue;
    }
    if (tok === "NOT") {
      negateNext = true;
      continue;
    }
    const term = parseTerm(tok);
    if (negateNext) term.negate = !term.negate;
    negateNext = false;
    groups[groups.length - 1]!.push(term);
  }
  return groups.filter((g) => g.length > 0);
}

function compare(actual: string | number, op: Op, wanted: string, field: string): boolean {
  if (field === "id" || field.endsWith("_id")) {
    // Exact integers: ids may lie beyond 2^53 (sandbox/shop/ids.ts), where Number() rounds.
    const exact = (text: string) => {
      const digits = text.startsWith("gid://") ? parseGid(text)?.legacyId : text;
      return digits && /^\d+$/.test(digits) ? BigInt(digits) : null;
    };
    const w = exact(wanted);
    const a = typeof actual === "number" ? BigInt(actual) : exact(actual);
    if (w === null || a === null) return false;
    return cmp(a < w ? -1 : a > w ? 1 : 0, 0, op);
  }
  if (typeof actual === "number") return cmp(actual, Number(wanted), op);
  if (op !== ":") {
    const a = Date.parse(actual);
    const w = Date.parse(wanted);
    if (!Number.isNaN(a) && !Number.isNaN(w)) return cmp(a, w, op);
    return cmp(actual.localeCompare(wanted), 0, op);
  }
  const a = actual.toLowerCase();
  const w = wanted.toLowerCase();
  if (w === "*") return true;
  return w.endsWith("*") ? a.startsWith(w.slice(0, -1)) : a === w;
}

function cmp(a: number, b: number, op: Op): boolean {
  switch (op) {
    case ":": return a === b;
    case ">": return a > b;
    case ">=": return a >= b;
    case "<": return a < b;
    case "<=": return a <= b;
  }
}

export function searchFilter<T>(query: string | null | undefined, fields: SearchFields<T>, textFields: (item: T) => string[]): (item: T) => boolean {
  if (!query || !query.trim()) return () => true;
  const groups = parseSearch(query);
  if (groups.length === 0) return () => true;
  const matchTerm = (item: T, term: Term): boolean => {
    let ok: boolean;
    if (term.field === null) {
      const w = term.value.toLowerCase().replace(/\*$/, "");
      ok = textFields(item).some((s) => s.toLowerCase().includes(w));
    } else {
      const get = fields[term.field];
      if (!get) return true; // unknown field: ignored
      const v = get(item);
      if (v === null || v === undefined) ok = false;
      else if (Array.isArray(v)) ok = v.some((x) => compare(x, term.op, term.value, term.field!));
      else ok = compare(v as string | number, term.op, term.value, term.field);
    }
    return term.negate ? !ok : ok;
  };
  return (item) => groups.some((g) => g.every((t) => matchTerm(item, t)));
}
