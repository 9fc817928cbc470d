/**
 * CSV import of SKU exceptions into the rules draft. Every row is checked — its shape here, its
 * names and numbers by the one policy check (policy-check.server.ts) — and the import is all or
 * nothing: one bad row and the draft stays as it was, with every problem listed by row.
 */
import { getPolicyDraft } from "~/models/policy-draft.server";
import { currentPolicy } from "~/models/policy.server";
import { draftProblems, saveDraft } from "./rules-editor.server";
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

export type CsvImportResult = { ok: true; added: number } | { ok: false; problems: RowProblem[] };

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

export async function importExceptionsCsv(shop: string, text: string, { updatedBy }: { updatedBy: string }): Promise<CsvImportResult> {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) return { ok: false, problems: [{ row: null, message: "the file is empty: start from the template" }] };
  const header = splitLine(lines[0]!).map((name) => name.toLowerCase());
  if (header.join(",") !== CSV_COLUMNS.join(",")) {
    return { ok: false, problems: [{ row: 1, message: `the first line must be the header ${CSV_COLUMNS.join(",")}` }] };
  }
  // The template with its example rows deleted: nothing to add, and a "0 imported" success would
  // look like the rows were taken.
  if (lines.length === 1) return { ok: false, problems: [{ row: 2, message: "no exceptions below the header: add one per line, as in the template" }] };
  if (lines.length - 1 > MAX_CSV_ROWS) return { ok: false, problems: [{ row: null, message: `at most ${MAX_CSV_ROWS} rows per file` }] };

  const problems: RowProblem[] = [];
  const rules: Record<string, unknown>[] = [];
  const rowOfRule: number[] = [];
  lines.slice(1).forEach((line, index) => {
    const row = index + 2;
    const [kind, appliesTo, value, location, units, ...extra] = splitLine(line);
    if (extra.length > 0) return problems.push({ row, message: `has ${5 + extra.length} columns; expected 5` });
    if (kind !== "safety_stock" && kind !== "display") return problems.push({ row, message: `kind must be safety_stock or display, got "${kind ?? ""}"` });
    if (appliesTo !== "sku" && appliesTo !== "product" && appliesTo !== "tag") return problems.push({ row, message: `applies_to must be sku, product or tag, got "${appliesTo ?? ""}"` });
    if (kind === "display" && appliesTo !== "sku") return problems.push({ row, message: "display units are per SKU: applies_to must be sku" });
    const number = Number(units);
    const rule: Record<string, unknown> = { kind, [appliesTo]: value ?? "", units: units === "" || units === undefined ? undefined : Number.isFinite(number) ? number : units };
    if (location) rule.location = location;
    rules.push(rule);
    rowOfRule.push(row);
  });

  const draft = await getPolicyDraft(shop);
  const base = (draft?.document ?? (await currentPolicy(shop))?.document ?? EMPTY_POLICY) as { protection?: unknown[] };
  const existing = base.protection?.length ?? 0;
  const candidate = { ...base, protection: [...(base.protection ?? []), ...rules] };
  {
    // The one policy check decides, as for every draft; its paths point back at CSV rows
    // (rows whose shape is already wrong are not in the candidate, so every row is judged once).
    const engineProblems = await draftProblems(shop, candidate);
    for (const problem of engineProblems) {
      // Too many rules in all: the file as a whole is refused (no row is wrong).
      if (problem.path === "protection") problems.push({ row: null, message: `the draft would have too many rules: ${problem.message}` });
      const match = /^protection\[(\d+)\](?:\.(\w+))?/.exec(problem.path);
      const index = match ? Number(match[1]) - existing : -1;
      if (index < 0) continue; // a problem of the existing draft, shown on the Rules page
      const field = match?.[2] ? `${FIELD_NAMES[match[2]] ?? match[2]}: ` : "";
      problems.push({ row: rowOfRule[index]!, message: `${field}${problem.message}` });
    }
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)) };
  const saved = await saveDraft(shop, JSON.stringify(candidate), { updatedBy });
  if (!saved.ok) return { ok: false, problems: saved.problems.map((problem) => ({ row: null, message: `the draft ${problem.message}` })) };
  return { ok: true, added: rules.length };
}
