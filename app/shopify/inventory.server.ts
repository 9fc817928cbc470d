/**
 * Reads and writes of inventory, channel metafields and publications, on top of the
 * throttle-aware client. Business failures come back as typed values (`userErrors`), never
 * exceptions; the caller decides (e.g. CHANGE_FROM_QUANTITY_STALE → re-read and recompute).
 */
import { AdminApiError, type AdminClient } from "./admin-client.server";
import { forEachBulkCatalogBatch, type ReadCatalogInBulkOptions } from "./bulk-catalog.server";
import { shopifyItemFrom, type QuantityName, type ShopifyItem } from "./shopify-item";
import {
  CATALOG_PAGE_QUERY,
  CATALOG_SIZE_QUERY,
  CHANNEL_METAFIELD,
  CHANNEL_NUMBERS_QUERY,
  ITEM_LEVELS_QUERY,
  ITEM_MORE_LEVELS_QUERY,
  LEVELS_PER_PAGE,
  LOCATIONS_QUERY,
  APPLY_LEVELS_MUTATION,
  METAFIELDS_SET_MUTATION,
  MOVE_QUANTITIES_MUTATION,
  PRODUCT_PUBLICATIONS_QUERY,
  PRODUCTS_ON_PUBLICATION_QUERY,
  PUBLICATIONS_QUERY,
  PUBLISH_MUTATION,
  SHOP_TIME_ZONE_QUERY,
  UNPUBLISH_MUTATION,
} from "./documents";
import type {
  SafestockApplyLevelsMutation,
  SafestockApplyLevelsMutationVariables,
  SafestockCatalogPageQuery,
  SafestockCatalogPageQueryVariables,
  SafestockCatalogSizeQuery,
  SafestockChannelNumbersQuery,
  SafestockChannelNumbersQueryVariables,
  SafestockItemLevelsFragment,
  SafestockItemLevelsQuery,
  SafestockItemLevelsQueryVariables,
  SafestockItemMoreLevelsQuery,
  SafestockItemMoreLevelsQueryVariables,
  SafestockLocationsQuery,
  SafestockLocationsQueryVariables,
  SafestockShopTimeZoneQuery,
  SafestockMoveQuantitiesMutation,
  SafestockMoveQuantitiesMutationVariables,
  SafestockProductPublicationsQuery,
  SafestockProductPublicationsQueryVariables,
  SafestockProductsOnPublicationQuery,
  SafestockProductsOnPublicationQueryVariables,
  SafestockPublicationsQuery,
  SafestockPublicationsQueryVariables,
  SafestockPublishMutation,
  SafestockPublishMutationVariables,
  SafestockSetChannelAtsMutation,
  SafestockSetChannelAtsMutationVariables,
  SafestockUnpublishMutation,
  SafestockUnpublishMutationVariables,
} from "./admin-types.generated";

export type { QuantityName, ShopifyItem } from "./shopify-item";

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

type RawItem = SafestockItemLevelsFragment;

/** `nodes(ids:)` answers an empty object for an id of another type and null for a deleted one. */
function isInventoryItem(node: SafestockItemLevelsQuery["nodes"][number]): node is RawItem {
  return node !== null && "inventoryLevels" in node;
}

/**
 * A mutation's payload: Shopify answers it null only beside a top-level error, which the client
 * has already thrown; null here is an unexpected answer, not a userError to carry on from.
 */
function payloadOf<T>(payload: T | null, root: string): T {
  if (payload === null) throw new Error(`Shopify answered ${root}: null without an error`);
  return payload;
}

/**
 * The item with every one of its levels: an item stocked at more locations than the first page
 * holds is completed page by page, so no location is ever planned from a partial read.
 */
async function toItem(client: AdminClient, raw: RawItem, levelsPerPage: number): Promise<ShopifyItem> {
  const levels = [...raw.inventoryLevels.nodes];
  let page = raw.inventoryLevels.pageInfo;
  while (page.hasNextPage && page.endCursor) {
    const { data } = await client.request<SafestockItemMoreLevelsQuery>("SafestockItemMoreLevels", ITEM_MORE_LEVELS_QUERY, {
      id: raw.id,
      after: page.endCursor,
      levelsPerPage,
    } satisfies SafestockItemMoreLevelsQueryVariables);
    if (!data.inventoryItem) break; // deleted meanwhile: inventory_items/delete removes it
    levels.push(...data.inventoryItem.inventoryLevels.nodes);
    page = data.inventoryItem.inventoryLevels.pageInfo;
  }
  return shopifyItemFrom(raw, raw.variants?.nodes[0], levels);
}

/**
 * Items per catalog page. A page costs 2 + size(first) × 41 requested points (documents.ts).
 */
export const ITEMS_PER_READ = 10;

/**
 * Items per `nodes(ids:)` read: charged once whatever the number of ids, so a read costs 41
 * requested points (documents.ts); 25 is a recompute batch (one metafieldsSet), read in one query.
 */
export const ITEM_IDS_PER_READ = 25;

/** How many of an item's levels each read asks for (default LEVELS_PER_PAGE). */
export interface LevelPaging {
  levelsPerPage?: number;
}

/**
 * A levels page the size of the shop's locations (1–250): an item is stocked at most there, so one
 * page holds all its levels and a location added since is still read, by the follow-up pages.
 * Sized to the shop rather than Shopify's largest page because what a page costs is not settled: a
 * levels connection reached through `nodes(ids:)` was charged its whole requested page in a
 * recorded answer, pro rata in others (docs/decisions/016 §1, amended 2026-12-06). At 3 locations
 * the page costs 8 points either way; a 250-level page would cost 35 by the first reading.
 */
export function levelPagingFor(locationCount: number): LevelPaging {
  return { levelsPerPage: Math.min(LEVELS_PER_PAGE, Math.max(1, Math.floor(locationCount))) };
}

/**
 * Items with their levels. The paging is the caller's to give (`levelPagingFor` the shop's
 * locations), never a silent default: the default page of 250 levels costs 44 points a read, 17 at
 * 3 locations (docs/decisions/043). A caller that needs only the channel numbers reads
 * `readChannelNumbers` (2 points).
 */
export async function readInventoryItems(client: AdminClient, inventoryItemIds: readonly string[], { levelsPerPage = LEVELS_PER_PAGE }: LevelPaging) {
  const items: ShopifyItem[] = [];
  for (let start = 0; start < inventoryItemIds.length; start += ITEM_IDS_PER_READ) {
    const ids = inventoryItemIds.slice(start, start + ITEM_IDS_PER_READ);
    const { data } = await client.request<SafestockItemLevelsQuery>("SafestockItemLevels", ITEM_LEVELS_QUERY, {
      ids,
      levelsPerPage,
    } satisfies SafestockItemLevelsQueryVariables);
    for (const node of data.nodes) if (isInventoryItem(node)) items.push(await toItem(client, node, levelsPerPage));
  }
  return items;
}

/** A variant's channel metafield as read: what a compare-and-swap write needs. */
export type ChannelMetafield = NonNullable<ShopifyItem["channelMetafield"]>;

/** Input arrays are capped at 250 entries (https://shopify.dev/docs/api/usage/limits), `nodes(ids:)`'s too. */
const NODE_IDS_PER_READ = 250;

/**
 * The channel metafield of each variant, by variant id (null: the variant has none; absent: the
 * variant is gone). For reads that need nothing else: 2 points a request, where an item read costs
 * 17–44 (CHANNEL_NUMBERS_QUERY, docs/decisions/043).
 */
export async function readChannelNumbers(client: AdminClient, variantIds: readonly string[]): Promise<Map<string, ChannelMetafield | null>> {
  const numbers = new Map<string, ChannelMetafield | null>();
  const ids = [...new Set(variantIds)];
  for (let start = 0; start < ids.length; start += NODE_IDS_PER_READ) {
    const { data } = await client.request<SafestockChannelNumbersQuery>("SafestockChannelNumbers", CHANNEL_NUMBERS_QUERY, {
      ids: ids.slice(start, start + NODE_IDS_PER_READ),
    } satisfies SafestockChannelNumbersQueryVariables);
    for (const node of data.nodes) if (node && "id" in node) numbers.set(node.id, node.metafield);
  }
  return numbers;
}

export async function readCatalogPage(
  client: AdminClient,
  after: string | null,
  first = ITEMS_PER_READ,
  { levelsPerPage = LEVELS_PER_PAGE }: LevelPaging = {},
) {
  const { data } = await client.request<SafestockCatalogPageQuery>("SafestockCatalogPage", CATALOG_PAGE_QUERY, {
    first,
    after,
    levelsPerPage,
  } satisfies SafestockCatalogPageQueryVariables);
  const items: ShopifyItem[] = [];
  for (const node of data.inventoryItems.nodes) items.push(await toItem(client, node, levelsPerPage));
  return {
    items,
    nextCursor: data.inventoryItems.pageInfo.hasNextPage ? data.inventoryItems.pageInfo.endCursor : null,
  };
}

/**
 * Above this many variants the whole catalog is read with one bulk query operation
 * (https://shopify.dev/docs/api/usage/bulk-operations/queries) instead of pages: a page costs
 * ~100 rate-limit points, so 10,000 variants would take ~1,000 pages (minutes at 100 points/s),
 * while a bulk operation costs a few points and sees every location of every item.
 */
export const BULK_CATALOG_THRESHOLD = 1_000;

export async function catalogSize(client: AdminClient): Promise<number> {
  const { data } = await client.request<SafestockCatalogSizeQuery>("SafestockCatalogSize", CATALOG_SIZE_QUERY);
  return data.productVariantsCount?.count ?? 0;
}

/**
 * Items planned and written together by a catalog-wide run (reconciliation, re-plan, initial
 * sync). Batches are what cut the writes: a batch's moves go out 250 changes a call (the input
 * array limit, https://shopify.dev/docs/api/usage/limits) and its channel numbers 25 a
 * `metafieldsSet` ("Allows a maximum of 25 metafields to be set at a time",
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet). At 10 items a
 * batch a re-plan sent ~25 changes and ~10 metafields a call (3.96× the lower bound); 500 items
 * (≤ 1,500 levels at 3 locations) fill the calls but the last of a batch. The price: a stale
 * write re-reads the batch (50 reads), which only a concurrent sale causes.
 */
export const CATALOG_SYNC_BATCH = 500;

/**
 * Reads the whole catalog and hands it over in batches of CATALOG_SYNC_BATCH items: page by page
 * for small catalogs, one bulk operation for large ones. Returns how it read.
 */
export async function forEachCatalogBatch(
  client: AdminClient,
  /** `source`: a page was read just now; a bulk batch's lines were read over the whole run (not a snapshot). */
  onBatch: (items: ShopifyItem[], source: "paged" | "bulk") => Promise<void>,
  options: { pageSize?: number; bulk?: ReadCatalogInBulkOptions; forceMode?: "paged" | "bulk"; batchSize?: number } & LevelPaging = {},
): Promise<"paged" | "bulk"> {
  const batchSize = options.batchSize ?? CATALOG_SYNC_BATCH;
  const mode = options.forceMode ?? ((await catalogSize(client)) > BULK_CATALOG_THRESHOLD ? "bulk" : "paged");
  if (mode === "bulk") {
    // Streamed: the batch in memory, not the catalog (docs/decisions/011-bulk-reads-for-large-catalogs.md).
    await forEachBulkCatalogBatch(client, batchSize, (items) => onBatch(items, "bulk"), options.bulk);
    return mode;
  }
  let after: string | null = null;
  let pending: ShopifyItem[] = [];
  do {
    const page = await readCatalogPage(client, after, options.pageSize, options);
    pending.push(...page.items);
    after = page.nextCursor;
    if (pending.length >= batchSize || !after) {
      if (pending.length > 0) await onBatch(pending, "paged");
      pending = [];
    }
  } while (after);
  return mode;
}

export interface ShopifyLocation {
  id: string;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
}

export async function readLocations(client: AdminClient) {
  const locations: ShopifyLocation[] = [];
  let after: string | null = null;
  do {
    const { data }: { data: SafestockLocationsQuery } = await client.request<SafestockLocationsQuery>("SafestockLocations", LOCATIONS_QUERY, { after } satisfies SafestockLocationsQueryVariables);
    locations.push(...data.locations.nodes);
    after = data.locations.pageInfo.hasNextPage ? data.locations.pageInfo.endCursor : null;
  } while (after);
  return locations;
}

/** The shop's IANA time zone ("America/New_York"). */
export async function readShopTimeZone(client: AdminClient): Promise<string> {
  const { data } = await client.request<SafestockShopTimeZoneQuery>("SafestockShopTimeZone", SHOP_TIME_ZONE_QUERY, {});
  return data.shop.ianaTimezone;
}

export async function readPublications(client: AdminClient) {
  const publications: { id: string; name: string }[] = [];
  let after: string | null = null;
  do {
    const { data }: { data: SafestockPublicationsQuery } = await client.request<SafestockPublicationsQuery>("SafestockPublications", PUBLICATIONS_QUERY, {
      after,
    } satisfies SafestockPublicationsQueryVariables);
    for (const node of data.publications.nodes) publications.push({ id: node.id, name: node.catalog?.title ?? node.id });
    after = data.publications.pageInfo.hasNextPage ? data.publications.pageInfo.endCursor : null;
  } while (after);
  return publications;
}

export interface MoveChange {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  from: { name: QuantityName; changeFromQuantity: number };
  to: { name: QuantityName; changeFromQuantity: number };
}

/**
 * Why Shopify did not apply a write, by what the caller must do about it:
 * - `stale`: a compare-and-swap failed (CHANGE_FROM_QUANTITY_STALE, STALE_OBJECT): someone
 *   wrote in between; re-read and re-plan.
 * - `replan`: the idempotency key cannot be used again (IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED:
 *   "Retry with a new idempotency key"; IDEMPOTENCY_KEY_PARAMETER_MISMATCH: the key was sent
 *   with other parameters, a bug on our side): re-read and re-plan under a new key.
 * - `busy`: IDEMPOTENCY_CONCURRENT_REQUEST ("currently in progress, please try again"): retry
 *   the same request with the same key later.
 * - `transient`: Shopify asks to try again (2026-10 enums: SERVICE_UNAVAILABLE "The service is
 *   temporarily unavailable. Try again later.", MOVE_QUANTITIES_FAILED / ADJUST_QUANTITIES_FAILED
 *   "… Try again."); nothing was applied: retry the same request with the same key.
 * - `refused`: anything else; retrying the same request cannot help.
 * Codes: docs/decisions/016 §1 (idempotency), docs/decisions/012 § Idempotency.
 */
export type WriteFailure = "stale" | "replan" | "busy" | "transient" | "refused";

export type WriteResult =
  | { ok: true; requestId: string | null }
  | { ok: false; failure: WriteFailure; userErrors: UserError[]; requestId: string | null };

const STALE_CODES = new Set(["CHANGE_FROM_QUANTITY_STALE", "STALE_OBJECT"]);
const REPLAN_CODES = new Set(["IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]);

const TRANSIENT_CODES = new Set(["SERVICE_UNAVAILABLE", "MOVE_QUANTITIES_FAILED", "ADJUST_QUANTITIES_FAILED"]);

export function classifyUserErrors(errors: readonly UserError[]): WriteFailure {
  const codes = errors.map((error) => error.code ?? "");
  if (codes.includes("IDEMPOTENCY_CONCURRENT_REQUEST")) return "busy";
  // Only when every error is a "try again": a real refusal beside one is still a refusal.
  if (codes.length > 0 && codes.every((code) => TRANSIENT_CODES.has(code))) return "transient";
  if (codes.some((code) => REPLAN_CODES.has(code))) return "replan";
  if (codes.some((code) => STALE_CODES.has(code))) return "stale";
  return "refused";
}

function writeResult(errors: UserError[], requestId: string | null): WriteResult {
  return errors.length === 0 ? { ok: true, requestId } : { ok: false, failure: classifyUserErrors(errors), userErrors: errors, requestId };
}

/** Shopify caps input arrays at 250 entries (https://shopify.dev/docs/api/usage/limits). */
export const MAX_CHANGES_PER_MUTATION = 250;

/**
 * One inventoryMoveQuantities call (≤250 changes). `ledgerDocumentUri` is required for every
 * state except `available` and refused for `available` (docs/decisions/016 §3), so it is set
 * on the non-available end only.
 */
export interface MoveQuantitiesRequest {
  changes: MoveChange[];
  reason: string;
  referenceDocumentUri: string;
  ledgerDocumentUri: string;
}

function moveInput(input: MoveQuantitiesRequest): SafestockMoveQuantitiesMutationVariables["input"] {
  if (input.changes.length > MAX_CHANGES_PER_MUTATION) {
    throw new Error(`moveQuantities takes at most ${MAX_CHANGES_PER_MUTATION} changes; split the plan first`);
  }
  const terminal = (end: MoveChange["from"], locationId: string) => ({
    locationId,
    name: end.name,
    changeFromQuantity: end.changeFromQuantity,
    ...(end.name === "available" ? {} : { ledgerDocumentUri: input.ledgerDocumentUri }),
  });
  return {
    reason: input.reason,
    referenceDocumentUri: input.referenceDocumentUri,
    changes: input.changes.map((change) => ({
      inventoryItemId: change.inventoryItemId,
      quantity: change.quantity,
      from: terminal(change.from, change.locationId),
      to: terminal(change.to, change.locationId),
    })),
  };
}

export async function moveQuantities(client: AdminClient, input: MoveQuantitiesRequest & { idempotencyKey: string }): Promise<WriteResult> {
  const { data, requestId } = await client.request<SafestockMoveQuantitiesMutation>("SafestockMoveQuantities", MOVE_QUANTITIES_MUTATION, {
    idempotencyKey: input.idempotencyKey,
    input: moveInput(input),
  } satisfies SafestockMoveQuantitiesMutationVariables);
  return writeResult(payloadOf(data.inventoryMoveQuantities, "inventoryMoveQuantities").userErrors, requestId);
}

export interface ChannelMetafieldWrite {
  variantId: string;
  value: string;
  /** The digest we read; null when the metafield does not exist yet. */
  compareDigest: string | null;
}

/** metafieldsSet takes at most 25 inputs (docs/decisions/016 §11). */
export const MAX_METAFIELDS_PER_SET = 25;

function metafieldsInput(writes: readonly ChannelMetafieldWrite[]): SafestockSetChannelAtsMutationVariables["metafields"] {
  if (writes.length > MAX_METAFIELDS_PER_SET) throw new Error(`metafieldsSet takes at most ${MAX_METAFIELDS_PER_SET}`);
  return writes.map((write) => ({
    ownerId: write.variantId,
    namespace: CHANNEL_METAFIELD.namespace,
    key: CHANNEL_METAFIELD.key,
    type: CHANNEL_METAFIELD.type,
    value: write.value,
    compareDigest: write.compareDigest,
  }));
}

export async function setChannelMetafields(client: AdminClient, writes: readonly ChannelMetafieldWrite[]): Promise<WriteResult> {
  const { data, requestId } = await client.request<SafestockSetChannelAtsMutation>("SafestockSetChannelAts", METAFIELDS_SET_MUTATION, {
    metafields: metafieldsInput(writes),
  } satisfies SafestockSetChannelAtsMutationVariables);
  return writeResult(payloadOf(data.metafieldsSet, "metafieldsSet").userErrors, requestId);
}

/**
 * What each root field of one SafestockApplyLevels request did, judged on its own userErrors;
 * null: that field answered an error of its own (its data is null), so whether it was applied is
 * unknown, while the other field's answer stands.
 */
export interface ApplyLevelsResult {
  move: WriteResult | null;
  metafields: WriteResult | null;
  /**
   * Each number's `compareDigest` as it landed, in the order sent (the answer's `metafields`);
   * null unless every number landed. Lets numbers be put back by compare-and-swap without a read
   * (docs/decisions/042): a digest that is not the metafield's current one is refused STALE_OBJECT.
   */
  landedDigests: string[] | null;
}

function landedDigestsOf(payload: SafestockApplyLevelsMutation["metafieldsSet"], sent: number): string[] | null {
  if (!payload || payload.userErrors.length > 0 || payload.metafields?.length !== sent) return null;
  return payload.metafields.map((metafield) => metafield.compareDigest);
}

/**
 * A move and channel numbers in one request (APPLY_LEVELS_MUTATION, docs/decisions/039): the
 * move runs first, then metafieldsSet, each applied or refused on its own; the caller decides
 * what numbers that assumed a move not applied must become.
 */
export async function applyLevels(
  client: AdminClient,
  input: { move: MoveQuantitiesRequest; idempotencyKey: string; metafields: readonly ChannelMetafieldWrite[] },
): Promise<ApplyLevelsResult> {
  let data: SafestockApplyLevelsMutation;
  let requestId: string | null;
  try {
    ({ data, requestId } = await client.request<SafestockApplyLevelsMutation>("SafestockApplyLevels", APPLY_LEVELS_MUTATION, {
      idempotencyKey: input.idempotencyKey,
      input: moveInput(input.move),
      metafields: metafieldsInput(input.metafields),
    } satisfies SafestockApplyLevelsMutationVariables));
  } catch (error) {
    // Errors at one root field's path null that field only (https://spec.graphql.org/October2021/#sec-Handling-Field-Errors).
    const partial = error instanceof AdminApiError && error.details.status === 200 ? (error.details.data as Partial<SafestockApplyLevelsMutation> | null | undefined) : null;
    if (!partial || (!partial.inventoryMoveQuantities && !partial.metafieldsSet)) throw error;
    console.warn("SafestockApplyLevels: a root field answered an error, the other stands", { shop: client.shop, error: String(error) });
    data = { inventoryMoveQuantities: partial.inventoryMoveQuantities ?? null, metafieldsSet: partial.metafieldsSet ?? null };
    requestId = (error as AdminApiError).details.requestId;
  }
  return {
    move: data.inventoryMoveQuantities ? writeResult(data.inventoryMoveQuantities.userErrors, requestId) : null,
    metafields: data.metafieldsSet ? writeResult(data.metafieldsSet.userErrors, requestId) : null,
    landedDigests: landedDigestsOf(data.metafieldsSet, input.metafields.length),
  };
}

export async function readProductPublications(client: AdminClient, productId: string) {
  const { data } = await client.request<SafestockProductPublicationsQuery>("SafestockProductPublications", PRODUCT_PUBLICATIONS_QUERY, {
    id: productId,
  } satisfies SafestockProductPublicationsQueryVariables);
  return new Set(
    (data.product?.resourcePublications.nodes ?? []).filter((node) => node.isPublished).map((node) => node.publication.id),
  );
}

/** Shopify's limit on `nodes(ids:)` (https://shopify.dev/docs/api/admin-graphql/latest/queries/nodes). */
const MAX_NODE_IDS = 250;

/**
 * Whether each product is published on one publication now (a fenced channel's, docs/decisions/045).
 * A product Shopify does not return (deleted since) is absent: unknown. 1 point a request of up to
 * 250 products (PRODUCTS_ON_PUBLICATION_QUERY).
 */
export async function readPublishedOnPublication(client: AdminClient, productIds: readonly string[], publicationId: string): Promise<Map<string, boolean>> {
  const published = new Map<string, boolean>();
  const ids = [...new Set(productIds)];
  for (let start = 0; start < ids.length; start += MAX_NODE_IDS) {
    const { data } = await client.request<SafestockProductsOnPublicationQuery>("SafestockProductsOnPublication", PRODUCTS_ON_PUBLICATION_QUERY, {
      ids: ids.slice(start, start + MAX_NODE_IDS),
      publicationId,
    } satisfies SafestockProductsOnPublicationQueryVariables);
    for (const node of data.nodes) if (node && "publishedOnPublication" in node) published.set(node.id, node.publishedOnPublication);
  }
  return published;
}

export async function setProductPublished(
  client: AdminClient,
  productId: string,
  publicationId: string,
  published: boolean,
): Promise<WriteResult> {
  const variables = { id: productId, input: [{ publicationId }] } satisfies SafestockPublishMutationVariables & SafestockUnpublishMutationVariables;
  if (published) {
    const { data, requestId } = await client.request<SafestockPublishMutation>("SafestockPublish", PUBLISH_MUTATION, variables);
    return writeResult(payloadOf(data.publishablePublish, "publishablePublish").userErrors, requestId);
  }
  const { data, requestId } = await client.request<SafestockUnpublishMutation>("SafestockUnpublish", UNPUBLISH_MUTATION, variables);
  return writeResult(payloadOf(data.publishableUnpublish, "publishableUnpublish").userErrors, requestId);
}
