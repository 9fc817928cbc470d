/**
 * Bulk edit from the Inventory page: the merchant selects items and sets one safety stock or
 * display exception for all of them. The exceptions land in the rules draft, never in Shopify:
 * the draft is previewed and published as always (docs/decisions/036). The one policy check
 * (policy-check.server.ts) judges the result, and nothing is saved unless every exception passes.
 *
 * Policy rules name items by SKU (docs/policy.md), so an exception covers every variant carrying
 * the SKU, and a selected item without a SKU cannot have one: it is refused with a way out.
 */
import { DRAFT_NOT_EDITABLE, editableDraft, type Policy, type ProtectionRule } from "~/domain";
import { getPolicyDraft } from "~/models/policy-draft.server";
import { currentPolicy } from "~/models/policy.server";
import { catalogItemsByIds } from "~/models/inventory-read.server";
import { variantName } from "./display-view.server";
import { draftProblems, saveDraft } from "./rules-editor.server";
import { EMPTY_POLICY } from "./sync-context.server";

export type BulkExceptionKind = "safety_stock" | "display";

/** More than a few pages of items at once is not a selection a merchant checks by eye. */
export const MAX_BULK_ITEMS = 500;

export interface BulkExceptionRequest {
  inventoryItemIds: readonly string[];
  kind: string;
  /** A location name, or "" for every location (safety stock only). */
  location: string;
  units: string;
}

export type BulkExceptionResult = { ok: true; skus: number; items: number } | { ok: false; problems: string[] };

const FIELD_WORDS: Record<string, string> = { units: "Units", location: "Location", sku: "SKU" };

export async function setBulkExceptions(shop: string, request: BulkExceptionRequest, { updatedBy }: { updatedBy: string }): Promise<BulkExceptionResult> {
  const shape = checkShape(request);
  if (!shape.ok) return shape;
  const { kind, location, units } = shape;

  const items = await catalogItemsByIds(shop, request.inventoryItemIds);
  const problems: string[] = [];
  const missing = new Set(request.inventoryItemIds).size - items.length;
  if (missing > 0) problems.push(`${missing === 1 ? "1 selected item is" : `${missing} selected items are`} no longer in your catalog: reload the page and select again`);
  for (const item of items.filter((entry) => entry.sku.trim() === "").sort((a, b) => variantName(a).localeCompare(variantName(b)))) {
    problems.push(`${variantName(item)} has no SKU, and exceptions name items by SKU: give it a SKU in Shopify, or add a rule for its product on the Rules page`);
  }
  if (problems.length > 0) return { ok: false, problems };

  const skus = [...new Set(items.map((item) => item.sku))].sort();
  const draft = await getPolicyDraft(shop);
  const base = draft && draft.document !== null ? editableDraft(draft.document) : (((await currentPolicy(shop))?.document ?? EMPTY_POLICY) as Policy);
  if (!base) return { ok: false, problems: [`Nothing was changed: ${DRAFT_NOT_EDITABLE}`] };
  const protection: unknown[] = [...(base.protection ?? [])];
  const touched = new Map<number, string>();
  for (const sku of skus) {
    const rule: Record<string, unknown> = { kind, sku, units, ...(location ? { location } : {}) };
    // "Set" replaces the exception of the same kind for the same SKU and location (the policy refuses two).
    const index = protection.findIndex((existing) => sameException(existing, kind, sku, location));
    if (index >= 0) protection[index] = rule;
    else protection.push(rule);
    touched.set(index >= 0 ? index : protection.length - 1, sku);
  }
  const candidate = { ...base, protection };

  // The one policy check decides; only the exceptions set here are reported (the rest of the draft is the Rules page's).
  for (const problem of await draftProblems(shop, candidate)) {
    if (problem.path === "protection") problems.push(`Your draft would have too many rules: ${problem.message}`);
    const match = /^protection\[(\d+)\](?:\.(\w+))?/.exec(problem.path);
    const sku = match ? touched.get(Number(match[1])) : undefined;
    if (sku === undefined) continue;
    problems.push(`${sku}: ${match?.[2] ? `${FIELD_WORDS[match[2]] ?? match[2]} ` : ""}${problem.message}`);
  }
  if (problems.length > 0) return { ok: false, problems: [...new Set(problems)] };
  const saved = await saveDraft(shop, JSON.stringify(candidate), { updatedBy });
  if (!saved.ok) return { ok: false, problems: saved.problems.map((problem) => `Your draft ${problem.message}`) };
  return { ok: true, skus: skus.length, items: items.length };
}

type Shape = { ok: true; kind: BulkExceptionKind; location: string; units: number | string } | { ok: false; problems: string[] };

function checkShape({ inventoryItemIds, kind, location, units }: BulkExceptionRequest): Shape {
  const problems: string[] = [];
  if (inventoryItemIds.length === 0) problems.push("Select at least one item");
  if (inventoryItemIds.length > MAX_BULK_ITEMS) problems.push(`Select at most ${MAX_BULK_ITEMS} items at once`);
  if (kind !== "safety_stock" && kind !== "display") problems.push("Choose safety stock or display units");
  if (kind === "display" && location.trim() === "") problems.push("Display units are kept at one store: choose a location");
  const text = units.trim();
  if (text === "") problems.push("Enter the number of units");
  if (problems.length > 0) return { ok: false, problems };
  const number = Number(text);
  // A number goes to the policy check as a number (which refuses negatives, fractions, too large); other text as typed.
  return { ok: true, kind: kind as BulkExceptionKind, location: location.trim(), units: Number.isFinite(number) ? number : text };
}

function sameException(rule: unknown, kind: BulkExceptionKind, sku: string, location: string): boolean {
  if (typeof rule !== "object" || rule === null) return false;
  const existing = rule as Partial<ProtectionRule> & Record<string, unknown>;
  return existing.kind === kind && existing.sku === sku && existing.product === undefined && existing.tag === undefined && (existing.location ?? "") === location;
}
