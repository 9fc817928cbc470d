/**
 * CSV import of SKU exceptions into the rules draft. Every row is checked — its shape here, its
 * names and numbers by the one policy check (policy-check.server.ts) — and the import is all or
 * nothing: one bad row and the draft stays as it was, with every problem listed by row.
 */
import { DRAFT_NOT_EDITABLE, editableDraft } from "~/domain";
import { getPolicyDraft } from "~/models/policy-draft.server";
import { currentPolicy } from "~/models/policy.server";
import { draftProblems, saveDraft, sharedSkuNotes } from "./rules-editor.server";
import { EMPTY_POLICY } from "./sync-context.server";

export const CSV_COLUMNS = ["kind", "applies_to", "value", "location", "units"] as const;
export const CSV_TEMPLATE = [
  CSV_COLUMNS.join(","),
  "safety_stock,sku,RING-7,Warehouse,4",
  "safety_stock,tag,bestseller,,2",
  "display,sku,RING-7,Soho store,1",
].join("\n") + "\n";
export const MAX_CSV_ROWS = 5_000;

/** A problem of one CSV row (1 is the header), or of the file as a whole (`row: null`). */
export interface RowProblem {
  row: number | null;
  message: string;
}

/**
 * A note on a row that is not a problem: its SKU is shared by several variants, so the rule
 * applies to all of them (docs/policy.md "Identity: inventory item, not SKU").
 */
export interface RowNote {
  row: number;
  sku: string;
  message: string;
}

export type CsvImportResult = { ok: true; added: number; notes: RowNote[] } | { ok: false; problems: RowProblem[]; notes: RowNote[] };

/** One CSV line → fields (RFC 4180 quotes: "a,b" and "" inside quotes). */
function splitLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields.map((value) => value.trim());
}

const FIELD_NAMES: Record<string, string> = { sku: "value", product: "value", tag: "value", location: "location", units: "units" };
const KINDS = ["safety_stock", "display"] as const;
const APPLIES_TO = ["sku", "product", "tag"] as const;
type Kind = (typeof KINDS)[number];
type AppliesTo = (typeof APPLIES_TO)[number];

/** A rule for the one policy check, with the CSV row it came from and which of its fields' problems to report. */
interface Judged {
  row: number;
  rule: Record<string, unknown>;
  /** null: every problem (the row's exception); else only these fields' (a probe of a row whose shape is wrong). */
  fields: readonly string[] | null;
  /** The row's value, to say an empty one in the merchant's words. */
  value: string;
}

function unitsOf(units: string | undefined): unknown {
  if (units === "" || units === undefined) return undefined;
  const number = Number(units);
  return Number.isFinite(number) ? number : units;
}

/**
 * One row → its shape problems and the rules the one policy check judges. A row whose shape is
 * right is its exception. A row with a wrong kind or applies_to cannot be an exception, yet its
 * other fields are still judged, so the merchant fixes the file once: the location and units in a
 * probe of the row's kind (safety_stock, the kind that requires least, when the kind is wrong),
 * the value in a probe of its applies_to (tag, a name with no catalog check, when applies_to is
 * wrong). What depends on the missing field is said to be unchecked, not guessed.
 */
function readRow(row: number, fields: string[]): { problems: string[]; judged: Judged[] } {
  const [kind = "", appliesTo = "", value = "", location = "", units, ...extra] = fields;
  if (extra.length > 0) return { problems: [`has ${5 + extra.length} columns; expected 5`], judged: [] };
  const knownKind = (KINDS as readonly string[]).includes(kind) ? (kind as Kind) : null;
  const knownScope = (APPLIES_TO as readonly string[]).includes(appliesTo) ? (appliesTo as AppliesTo) : null;
  const problems: string[] = [];
  if (!knownKind) problems.push(`kind must be safety_stock or display, got "${kind}"`);
  if (!knownScope) problems.push(`applies_to must be sku, product or tag, got "${appliesTo}"`);
  if (knownKind === "display" && knownScope && knownScope !== "sku") problems.push("display units are per SKU: applies_to must be sku");
  const placement = { units: unitsOf(units), ...(location ? { location } : {}) };
  if (problems.length === 0) return { problems, judged: [{ row, rule: { kind: knownKind, [knownScope!]: value, ...placement }, fields: null, value }] };

  const probeScope = knownScope ?? "tag";
  // In the file's column order: value, then location and units.
  const judged: Judged[] = [
    { row, rule: { kind: "safety_stock", [probeScope]: value }, fields: [probeScope], value },
    { row, rule: { kind: knownKind ?? "safety_stock", ...placement }, fields: ["location", "units"], value },
  ];
  const unchecked = [
    ...(!knownKind && !location ? ["whether a location is needed (display units are kept at one store)"] : []),
    ...(!knownKind && knownScope && knownScope !== "sku" ? [`whether it may apply to a ${knownScope} (display units are per SKU)`] : []),
    ...(!knownScope && value ? [`whether "${value}" is in your catalog (that depends on applies_to)`] : []),
  ];
  const missing = [...(knownKind ? [] : ["kind"]), ...(knownScope ? [] : ["applies_to"])];
  if (unchecked.length > 0) problems.push(`could not be checked until ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} fixed: ${unchecked.join("; ")}`);
  return { problems, judged };
}

/** An empty value, in the merchant's words: the policy check's "must be a non-empty string" names no way out. */
function emptyValueText(field: string): string {
  return field === "sku"
    ? "value: is empty; a variant without a SKU cannot be named by SKU: give it a SKU in Shopify, or use applies_to product or tag"
    : `value: is empty; name the ${field}`;
}

export async function importExceptionsCsv(shop: string, text: string, { updatedBy }: { updatedBy: string }): Promise<CsvImportResult> {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) return refusedFile([{ row: null, message: "the file is empty: start from the template" }]);
  const header = splitLine(lines[0]!).map((name) => name.toLowerCase());
  if (header.join(",") !== CSV_COLUMNS.join(",")) {
    return refusedFile([{ row: 1, message: `the first line must be the header ${CSV_COLUMNS.join(",")}` }]);
  }
  // The template with its example rows deleted: nothing to add, and a "0 imported" success would
  // look like the rows were taken.
  if (lines.length === 1) return refusedFile([{ row: 2, message: "no exceptions below the header: add one per line, as in the template" }]);
  if (lines.length - 1 > MAX_CSV_ROWS) return refusedFile([{ row: null, message: `at most ${MAX_CSV_ROWS} rows per file` }]);

  const problems: RowProblem[] = [];
  const exceptions: Judged[] = [];
  const probes: Judged[] = [];
  lines.slice(1).forEach((line, index) => {
    const row = index + 2;
    const read = readRow(row, splitLine(line));
    for (const message of read.problems) problems.push({ row, message });
    for (const judged of read.judged) (judged.fields === null ? exceptions : probes).push(judged);
  });

  const draft = await getPolicyDraft(shop);
  // A draft saved mid-edit that is no list of rules is refused, not replaced by the file's rows.
  const base = draft && draft.document !== null ? editableDraft(draft.document) : (((await currentPolicy(shop))?.document ?? EMPTY_POLICY) as { protection?: unknown[] });
  if (!base) return refusedFile([{ row: null, message: DRAFT_NOT_EDITABLE }]);
  const existing = base.protection?.length ?? 0;
  const rules = exceptions.map((judged) => judged.rule);
  const candidate = { ...base, protection: [...(base.protection ?? []), ...rules] };
  // The one policy check decides, as for every draft; its paths point back at CSV rows. Probes
  // are judged on their own, so they never count towards the draft's rules nor clash with them.
  const [engineProblems, probeProblems] = await Promise.all([
    draftProblems(shop, candidate),
    probes.length > 0 ? draftProblems(shop, { version: 1, protection: probes.map((judged) => judged.rule), channels: [] }) : [],
  ]);
  for (const problem of engineProblems) {
    // Too many rules in all: the file as a whole is refused (no row is wrong).
    if (problem.path === "protection") problems.push({ row: null, message: `the draft would have too many rules: ${problem.message}` });
  }
  problems.push(...rowProblems(engineProblems, exceptions, existing), ...rowProblems(probeProblems, probes, 0));
  const notes = await importNotes(shop, exceptions);
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)), notes };
  const saved = await saveDraft(shop, JSON.stringify(candidate), { updatedBy });
  if (!saved.ok) return refusedFile(saved.problems.map((problem) => ({ row: null, message: `the draft ${problem.message}` })));
  return { ok: true, added: rules.length, notes };
}

function refusedFile(problems: RowProblem[]): CsvImportResult {
  return { ok: false, problems, notes: [] };
}

/** The policy check's problems at `protection[offset + i]`, as problems of the CSV row behind rule i (filtered to what a probe may say). */
function rowProblems(found: readonly { path: string; message: string }[], judged: readonly Judged[], offset: number): RowProblem[] {
  const problems: RowProblem[] = [];
  for (const problem of found) {
    const match = /^protection\[(\d+)\](?:\.(\w+))?/.exec(problem.path);
    const rule = match ? judged[Number(match[1]) - offset] : undefined;
    if (!rule) continue; // a problem of the existing draft, shown on the Rules page
    const field = match![2];
    if (rule.fields !== null && (field === undefined || !rule.fields.includes(field))) continue;
    if (field && field in FIELD_NAMES && FIELD_NAMES[field] === "value" && rule.value === "") {
      problems.push({ row: rule.row, message: emptyValueText(field) });
      continue;
    }
    problems.push({ row: rule.row, message: `${field ? `${FIELD_NAMES[field] ?? field}: ` : ""}${namingRows(problem.message, judged, offset)}` });
  }
  return problems;
}

/**
 * The check names other rules by their place in the policy ("same kind and scope as
 * protection[4]"), which the merchant never sees: say the file's row, or the draft on the Rules page.
 */
function namingRows(message: string, judged: readonly Judged[], offset: number): string {
  return message.replace(/\bprotection\[(\d+)\]/g, (_, index: string) => {
    const other = judged[Number(index) - offset];
    return other ? `row ${other.row}` : "a rule already in the draft (see Rules)";
  });
}

/** Each SKU several variants share, once, at the first row naming it. */
async function importNotes(shop: string, exceptions: readonly Judged[]): Promise<RowNote[]> {
  const rowOfSku = new Map<string, number>();
  for (const { rule, row } of exceptions) if (typeof rule.sku === "string" && rule.sku !== "" && !rowOfSku.has(rule.sku)) rowOfSku.set(rule.sku, row);
  return (await sharedSkuNotes(shop, [...rowOfSku.keys()])).map((note) => ({ row: rowOfSku.get(note.sku)!, ...note }));
}
