/**
 * The rules editor: the merchant edits a draft of the whole policy with a form; every save is
 * checked by the one policy check (policy-check.server.ts), so the form shows the same problems
 * Publish would refuse, next to the field they concern. Nothing is written to
 * Shopify until a preview of the draft is published (policy-preview.server.ts).
 */
import { readPolicyText, type Policy, type Problem } from "~/domain";
import { listChannels, listLocations, productTitlesContaining, skusContaining, tagListsContaining } from "~/models/catalog.server";
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

/** The editor page: the draft if there is one (else the version in force), its problems, and the names it may use. */
export async function loadRulesEditor(shop: string) {
  const [draft, current, locations, channels, timeZone] = await Promise.all([getPolicyDraft(shop), currentPolicy(shop), listLocations(shop), listChannels(shop), shopTimeZone(shop)]);
  const document = (draft?.document ?? current?.document ?? EMPTY_POLICY) as Policy;
  return {
    document,
    draft: draft ? { updatedAt: formatDateTime(draft.updatedAt, timeZone), updatedBy: draft.updatedBy, basedOnVersion: draft.basedOnVersion } : null,
    current: current ? { version: current.version } : null,
    problems: draft ? await draftProblems(shop, draft.document) : [],
    locations: locations.filter((location) => location.isActive).map((location) => location.name),
    channels: channels.map((channel) => ({ handle: channel.handle, name: channel.name })),
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

/** Search-as-you-type for the editor's pickers: SKUs, product titles or tags containing the text. */
export async function searchCatalog(shop: string, kind: "sku" | "product" | "tag", query: string, take = 10): Promise<string[]> {
  const text = query.trim();
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
