/**
 * The rules editor: the merchant edits a draft of the whole policy with a form; every save is
 * checked by the one policy check (policy-check.server.ts), so the form shows the same problems
 * Publish would refuse, next to the field they concern. Nothing is written to
 * Shopify until a preview of the draft is published (policy-preview.server.ts).
 */
import { readPolicyText, type Policy, type Problem } from "~/domain";
import { listChannels, listLocations, productTitlesContaining, sharedSkuCounts, skusContaining, tagListsContaining } from "~/models/catalog.server";
import { deletePolicyDraft, getPolicyDraft, savePolicyDraft } from "~/models/policy-draft.server";
import { currentPolicy } from "~/models/policy.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import { formatDateTime } from "./display-view.server";
import { checkPolicyForShop } from "./policy-check.server";
import { EMPTY_POLICY } from "./sync-context.server";

/** What the one policy check refuses in `document`, against the shop as it is now. */
export async function draftProblems(shop: string, document: unknown): Promise<Problem[]> {
  const result = await checkPolicyForShop(shop, document);
  return result.ok ? [] : [...result.problems];
}

/**
 * The editor page: the draft if there is one (else the version in force), its problems, the names
 * it may use, and how many variants share each SKU its rules name (several: the rule applies to
 * all of them). `importedSkus`: SKUs a CSV import just added, noted on the page when shared.
 */
export async function loadRulesEditor(shop: string, { importedSkus = [] }: { importedSkus?: readonly string[] } = {}) {
  const [draft, current, locations, channels, timeZone] = await Promise.all([getPolicyDraft(shop), currentPolicy(shop), listLocations(shop), listChannels(shop), shopTimeZone(shop)]);
  const document = (draft?.document ?? current?.document ?? EMPTY_POLICY) as Policy;
  const sharedSkus = Object.fromEntries(await sharedSkuCounts(shop, skusNamedBy(document)));
  return {
    sharedSkus,
    importNotes: [...new Set(importedSkus)].filter((sku) => Object.hasOwn(sharedSkus, sku)).map((sku) => sharedSkuNote(sku, sharedSkus[sku]!)),
    document,
    draft: draft ? { updatedAt: formatDateTime(draft.updatedAt, timeZone), updatedBy: draft.updatedBy, basedOnVersion: draft.basedOnVersion } : null,
    current: current ? { version: current.version } : null,
    problems: draft ? await draftProblems(shop, draft.document) : [],
    locations: locations.filter((location) => location.isActive).map((location) => location.name),
    channels: channels.map((channel) => ({ handle: channel.handle, name: channel.name })),
    // Release waves are typed in the shop's wall clock and stored as UTC instants (app/components/shop-clock.ts).
    timeZone,
  };
}

export type SaveDraftResult = { ok: true; problems: Problem[]; savedAt: string | null } | { ok: false; problems: Problem[] };

/** Saves the draft as typed (even with problems: the merchant is mid-edit) and returns what the one policy check refuses. */
export async function saveDraft(shop: string, text: string, { updatedBy }: { updatedBy: string }): Promise<SaveDraftResult> {
  // Too large or too deep is refused before parsing, and never stored.
  const read = readPolicyText(text, "draft");
  if (!read.ok) return { ok: false, problems: [...read.problems] };
  const current = await currentPolicy(shop);
  const saved = await savePolicyDraft(shop, { document: read.value, basedOnVersion: current?.version ?? null, updatedBy });
  return { ok: true, problems: await draftProblems(shop, read.value), savedAt: formatDateTime(saved.updatedAt, await shopTimeZone(shop)) };
}

export async function discardDraft(shop: string) {
  await deletePolicyDraft(shop);
}

/**
 * Search-as-you-type for the editor's pickers: SKUs, product titles or tags containing the text.
 * For SKUs, `sharedBy` says how many variants carry each match that several share: the picker
 * says so, since the rule will apply to every one of them (docs/policy.md "Identity: inventory
 * item, not SKU"). A blank SKU is never a match: no rule can name it.
 */
export async function searchCatalog(shop: string, kind: "sku" | "product" | "tag", query: string, take = 10): Promise<{ matches: string[]; sharedBy: Record<string, number> }> {
  const matches = await catalogMatches(shop, kind, query.trim(), take);
  return { matches, sharedBy: kind === "sku" ? Object.fromEntries(await sharedSkuCounts(shop, matches)) : {} };
}

async function catalogMatches(shop: string, kind: "sku" | "product" | "tag", text: string, take: number): Promise<string[]> {
  if (kind === "sku") return skusContaining(shop, text, take);
  if (kind === "product") return productTitlesContaining(shop, text, take);
  // Tags are a JSON list per item: match the text inside it, then keep whole tags that contain it.
  const tagLists = await tagListsContaining(shop, text, 200);
  const tags = new Set<string>();
  for (const list of tagLists) {
    try {
      for (const tag of JSON.parse(list) as string[]) if (tag.toLowerCase().includes(text.toLowerCase())) tags.add(tag);
    } catch {
      // a malformed row contributes nothing
    }
  }
  return [...tags].sort().slice(0, take);
}

/** The SKUs a document's protection rules name (a draft may hold anything: only strings count). */
function skusNamedBy(document: unknown): string[] {
  const rules = (document as { protection?: unknown } | null)?.protection;
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((rule: unknown) => {
    const { sku, skus } = (rule ?? {}) as { sku?: unknown; skus?: unknown };
    return [sku, ...(Array.isArray(skus) ? skus : [])].filter((value): value is string => typeof value === "string" && value !== "");
  });
}

/** The note for a SKU several variants share: a note, not a problem (twins are normal in Shopify). */
export function sharedSkuNote(sku: string, variants: number): string {
  return `SKU ${sku} is shared by ${variants} variants: the rule applies to all of them`;
}

/** Notes for those of `skus` that several variants share, in the order given, each SKU once. */
export async function sharedSkuNotes(shop: string, skus: readonly string[]): Promise<{ sku: string; message: string }[]> {
  const counts = await sharedSkuCounts(shop, skus);
  return [...new Set(skus)].filter((sku) => counts.has(sku)).map((sku) => ({ sku, message: sharedSkuNote(sku, counts.get(sku)!) }));
}
