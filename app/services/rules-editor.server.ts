/**
 * The rules editor: the merchant edits a draft of the whole policy with a form; every save is
 * checked by the engine's own validator against the shop's catalog, so the form shows the same
 * problems a publish would refuse, next to the field they concern. Nothing is written to
 * Shopify until a preview of the draft is published (policy-preview.server.ts).
 */
import { validatePolicy, type Policy, type Problem } from "~/domain";
import { knownSkus, listChannels, listLocations, productTitlesContaining, skusContaining, tagListsContaining } from "~/models/catalog.server";
import { deletePolicyDraft, getPolicyDraft, savePolicyDraft } from "~/models/policy-draft.server";
import { currentPolicy } from "~/models/policy.server";
import { formatDateTime } from "./display-view.server";
import { EMPTY_POLICY } from "./sync-context.server";

async function shopNames(shop: string) {
  const [locations, skus, channels] = await Promise.all([listLocations(shop), knownSkus(shop), listChannels(shop)]);
  return { locations, skus, channels };
}

function validateAgainst(document: unknown, names: Awaited<ReturnType<typeof shopNames>>): Problem[] {
  const result = validatePolicy(document, {
    locations: new Set(names.locations.map((location) => location.name)),
    skus: new Set(names.skus),
    channels: new Set(names.channels.map((channel) => channel.handle)),
  });
  return result.ok ? [] : [...result.problems];
}

/** The editor page: the draft if there is one (else the version in force), its problems, and the names it may use. */
export async function loadRulesEditor(shop: string) {
  const [draft, current, names] = await Promise.all([getPolicyDraft(shop), currentPolicy(shop), shopNames(shop)]);
  const document = (draft?.document ?? current?.document ?? EMPTY_POLICY) as Policy;
  return {
    document,
    draft: draft ? { updatedAt: formatDateTime(draft.updatedAt), updatedBy: draft.updatedBy, basedOnVersion: draft.basedOnVersion } : null,
    current: current ? { version: current.version } : null,
    problems: draft ? validateAgainst(draft.document, names) : [],
    locations: names.locations.filter((location) => location.isActive).map((location) => location.name),
    channels: names.channels.map((channel) => ({ handle: channel.handle, name: channel.name })),
  };
}

export type SaveDraftResult = { ok: true; problems: Problem[]; savedAt: string | null } | { ok: false; problems: Problem[] };

/** Saves the draft as typed (even with problems: the merchant is mid-edit) and returns what the engine would refuse. */
export async function saveDraft(shop: string, text: string, { updatedBy }: { updatedBy: string }): Promise<SaveDraftResult> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ path: "draft", message: `could not be read: ${(error as Error).message}` }] };
  }
  const [names, current] = await Promise.all([shopNames(shop), currentPolicy(shop)]);
  const saved = await savePolicyDraft(shop, { document, basedOnVersion: current?.version ?? null, updatedBy });
  return { ok: true, problems: validateAgainst(document, names), savedAt: formatDateTime(saved.updatedAt) };
}

/** What the engine would refuse in `document`, checked against the shop's catalog. */
export async function validateDraftForShop(shop: string, document: unknown): Promise<Problem[]> {
  return validateAgainst(document, await shopNames(shop));
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
