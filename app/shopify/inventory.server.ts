/**
 * Reads and writes of inventory, channel metafields and publications, on top of the
 * throttle-aware client. Business failures come back as typed values (`userErrors`), never
 * exceptions; the caller decides (e.g. CHANGE_FROM_QUANTITY_STALE → re-read and recompute).
 */
import type { AdminClient } from "./admin-client.server";
import { readCatalogInBulk, type ReadCatalogInBulkOptions } from "./bulk-catalog.server";
import {
  CATALOG_PAGE_QUERY,
  CATALOG_SIZE_QUERY,
  CHANNEL_METAFIELD,
  ITEM_LEVELS_QUERY,
  ITEM_MORE_LEVELS_QUERY,
  LEVELS_PER_PAGE,
  LOCATIONS_QUERY,
  METAFIELDS_SET_MUTATION,
  MOVE_QUANTITIES_MUTATION,
  PRODUCT_PUBLICATIONS_QUERY,
  PUBLICATIONS_QUERY,
  PUBLISH_MUTATION,
  QUANTITY_NAMES,
  UNPUBLISH_MUTATION,
} from "./documents";

export type QuantityName = (typeof QUANTITY_NAMES)[number];
export type Quantities = Record<QuantityName, number>;

export interface ShopifyLevel {
  levelId: string;
  locationId: string;
  locationName: string;
  locationActive: boolean;
  quantities: Quantities;
}

export interface ShopifyItem {
  inventoryItemId: string;
  sku: string;
  tracked: boolean;
  variantId: string | null;
  variantTitle: string;
  productId: string | null;
  productTitle: string;
  tags: string[];
  channelMetafield: { id: string; value: string; compareDigest: string } | null;
  levels: ShopifyLevel[];
}

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

interface RawItem {
  id: string;
  sku: string | null;
  tracked: boolean;
  variants: { nodes: RawVariant[] };
  inventoryLevels: RawLevelPage;
}

interface RawLevelPage {
  nodes: RawLevel[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface RawVariant {
  id: string;
  title: string;
  product: { id: string; title: string; tags: string[] };
  metafield: { id: string; value: string; compareDigest: string } | null;
}

interface RawLevel {
  id: string;
  location: { id: string; name: string; isActive: boolean };
  quantities: { name: string; quantity: number }[];
}

/** One item as the app uses it, from the parts any read (paged or bulk) returns. */
export function shopifyItemFrom(
  item: { id: string; sku: string | null; tracked: boolean },
  variant: RawVariant | undefined,
  levels: readonly RawLevel[],
): ShopifyItem {
  return {
    inventoryItemId: item.id,
    sku: item.sku ?? "",
    tracked: item.tracked,
    variantId: variant?.id ?? null,
    variantTitle: variant?.title ?? "",
    productId: variant?.product.id ?? null,
    productTitle: variant?.product.title ?? "",
    tags: variant?.product.tags ?? [],
    channelMetafield: variant?.metafield ?? null,
    levels: levels.map((level) => ({
      levelId: level.id,
      locationId: level.location.id,
      locationName: level.location.name,
      locationActive: level.location.isActive,
      quantities: Object.fromEntries(
        QUANTITY_NAMES.map((name) => [name, level.quantities.find((q) => q.name === name)?.quantity ?? 0]),
      ) as Quantities,
    })),
  };
}

/**
 * The item with every one of its levels: an item stocked at more locations than the first page
 * holds is completed page by page, so no location is ever planned from a partial read.
 */
async function toItem(client: AdminClient, raw: RawItem, levelsPerPage: number): Promise<ShopifyItem> {
  const levels = [...raw.inventoryLevels.nodes];
  let page = raw.inventoryLevels.pageInfo;
  while (page.hasNextPage && page.endCursor) {
    const { data }: { data: { inventoryItem: { inventoryLevels: RawLevelPage } | null } } = await client.request(
      "SafestockItemMoreLevels",
      ITEM_MORE_LEVELS_QUERY,
      { id: raw.id, after: page.endCursor, levelsPerPage },
    );
    if (!data.inventoryItem) break; // deleted meanwhile: inventory_items/delete removes it
    levels.push(...data.inventoryItem.inventoryLevels.nodes);
    page = data.inventoryItem.inventoryLevels.pageInfo;
  }
  return shopifyItemFrom(raw, raw.variants.nodes[0], levels);
}

/**
 * Items per query. Cost is no longer the limit: nodes(ids:) is charged once whatever the number
 * of ids, so a read costs 41 requested points (documents.ts); 10 items is the recompute batch.
 */
export const ITEMS_PER_READ = 10;

/** How many of an item's levels each read asks for (default LEVELS_PER_PAGE). */
export interface LevelPaging {
  levelsPerPage?: number;
}

export async function readInventoryItems(client: AdminClient, inventoryItemIds: readonly string[], { levelsPerPage = LEVELS_PER_PAGE }: LevelPaging = {}) {
  const items: ShopifyItem[] = [];
  for (let start = 0; start < inventoryItemIds.length; start += ITEMS_PER_READ) {
    const ids = inventoryItemIds.slice(start, start + ITEMS_PER_READ);
    const { data } = await client.request<{ nodes: (RawItem | null)[] }>("SafestockItemLevels", ITEM_LEVELS_QUERY, { ids, levelsPerPage });
    for (const node of data.nodes) if (node && "inventoryLevels" in node) items.push(await toItem(client, node, levelsPerPage));
  }
  return items;
}

export async function readCatalogPage(
  client: AdminClient,
  after: string | null,
  first = ITEMS_PER_READ,
  { levelsPerPage = LEVELS_PER_PAGE }: LevelPaging = {},
) {
  const { data } = await client.request<{
    inventoryItems: { nodes: RawItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  }>("SafestockCatalogPage", CATALOG_PAGE_QUERY, { first, after, levelsPerPage });
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
  const { data } = await client.request<{ productVariantsCount: { count: number } | null }>("SafestockCatalogSize", CATALOG_SIZE_QUERY);
  return data.productVariantsCount?.count ?? 0;
}

/**
 * Reads the whole catalog and hands it over in batches of ITEMS_PER_READ items (the batch size
 * the sync path plans and writes in): page by page for small catalogs, one bulk operation for
 * large ones. Returns how it read.
 */
export async function forEachCatalogBatch(
  client: AdminClient,
  onBatch: (items: ShopifyItem[]) => Promise<void>,
  options: { pageSize?: number; bulk?: ReadCatalogInBulkOptions; forceMode?: "paged" | "bulk" } & LevelPaging = {},
): Promise<"paged" | "bulk"> {
  const mode = options.forceMode ?? ((await catalogSize(client)) > BULK_CATALOG_THRESHOLD ? "bulk" : "paged");
  if (mode === "bulk") {
    const items = await readCatalogInBulk(client, options.bulk);
    for (let start = 0; start < items.length; start += ITEMS_PER_READ) await onBatch(items.slice(start, start + ITEMS_PER_READ));
    return mode;
  }
  let after: string | null = null;
  do {
    const page = await readCatalogPage(client, after, options.pageSize, options);
    await onBatch(page.items);
    after = page.nextCursor;
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
    const { data }: { data: { locations: { nodes: typeof locations; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } =
      await client.request("SafestockLocations", LOCATIONS_QUERY, { after });
    locations.push(...data.locations.nodes);
    after = data.locations.pageInfo.hasNextPage ? data.locations.pageInfo.endCursor : null;
  } while (after);
  return locations;
}

export async function readPublications(client: AdminClient) {
  const publications: { id: string; name: string }[] = [];
  let after: string | null = null;
  do {
    const { data }: {
      data: {
        publications: {
          nodes: { id: string; catalog: { title: string } | null }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
    } = await client.request("SafestockPublications", PUBLICATIONS_QUERY, { after });
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
 * - `refused`: anything else; retrying the same request cannot help.
 * Codes: SHOPIFY-CONFORMANCE (idempotency), SHOPIFY-FACTS § Idempotency.
 */
export type WriteFailure = "stale" | "replan" | "busy" | "refused";

export type WriteResult =
  | { ok: true; requestId: string | null }
  | { ok: false; failure: WriteFailure; userErrors: UserError[]; requestId: string | null };

const STALE_CODES = new Set(["CHANGE_FROM_QUANTITY_STALE", "STALE_OBJECT"]);
const REPLAN_CODES = new Set(["IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]);

export function classifyUserErrors(errors: readonly UserError[]): WriteFailure {
  const codes = errors.map((error) => error.code ?? "");
  if (codes.includes("IDEMPOTENCY_CONCURRENT_REQUEST")) return "busy";
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
 * state except `available` and refused for `available` (SHOPIFY-CONFORMANCE §3), so it is set
 * on the non-available end only.
 */
export interface MoveQuantitiesRequest {
  changes: MoveChange[];
  reason: string;
  referenceDocumentUri: string;
  ledgerDocumentUri: string;
}

export async function moveQuantities(client: AdminClient, input: MoveQuantitiesRequest & { idempotencyKey: string }): Promise<WriteResult> {
  if (input.changes.length > MAX_CHANGES_PER_MUTATION) {
    throw new Error(`moveQuantities takes at most ${MAX_CHANGES_PER_MUTATION} changes; split the plan first`);
  }
  const terminal = (end: MoveChange["from"], locationId: string) => ({
    locationId,
    name: end.name,
    changeFromQuantity: end.changeFromQuantity,
    ...(end.name === "available" ? {} : { ledgerDocumentUri: input.ledgerDocumentUri }),
  });
  const { data, requestId } = await client.request<{
    inventoryMoveQuantities: { inventoryAdjustmentGroup: { id: string } | null; userErrors: UserError[] };
  }>("SafestockMoveQuantities", MOVE_QUANTITIES_MUTATION, {
    idempotencyKey: input.idempotencyKey,
    input: {
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri,
      changes: input.changes.map((change) => ({
        inventoryItemId: change.inventoryItemId,
        quantity: change.quantity,
        from: terminal(change.from, change.locationId),
        to: terminal(change.to, change.locationId),
      })),
    },
  });
  return writeResult(data.inventoryMoveQuantities.userErrors, requestId);
}

export interface ChannelMetafieldWrite {
  variantId: string;
  value: string;
  /** The digest we read; null when the metafield does not exist yet. */
  compareDigest: string | null;
}

/** metafieldsSet takes at most 25 inputs (SHOPIFY-CONFORMANCE §11). */
export const MAX_METAFIELDS_PER_SET = 25;

export async function setChannelMetafields(client: AdminClient, writes: ChannelMetafieldWrite[]): Promise<WriteResult> {
  if (writes.length > MAX_METAFIELDS_PER_SET) throw new Error(`metafieldsSet takes at most ${MAX_METAFIELDS_PER_SET}`);
  const { data, requestId } = await client.request<{ metafieldsSet: { userErrors: UserError[] } }>(
    "SafestockSetChannelAts",
    METAFIELDS_SET_MUTATION,
    {
      metafields: writes.map((write) => ({
        ownerId: write.variantId,
        namespace: CHANNEL_METAFIELD.namespace,
        key: CHANNEL_METAFIELD.key,
        type: CHANNEL_METAFIELD.type,
        value: write.value,
        compareDigest: write.compareDigest,
      })),
    },
  );
  return writeResult(data.metafieldsSet.userErrors, requestId);
}

export async function readProductPublications(client: AdminClient, productId: string) {
  const { data } = await client.request<{
    product: { resourcePublications: { nodes: { isPublished: boolean; publication: { id: string } }[] } } | null;
  }>("SafestockProductPublications", PRODUCT_PUBLICATIONS_QUERY, { id: productId });
  return new Set(
    (data.product?.resourcePublications.nodes ?? []).filter((node) => node.isPublished).map((node) => node.publication.id),
  );
}

export async function setProductPublished(
  client: AdminClient,
  productId: string,
  publicationId: string,
  published: boolean,
): Promise<WriteResult> {
  const operation = published ? "publishablePublish" : "publishableUnpublish";
  const { data, requestId } = await client.request<Record<string, { userErrors: UserError[] }>>(
    published ? "SafestockPublish" : "SafestockUnpublish",
    published ? PUBLISH_MUTATION : UNPUBLISH_MUTATION,
    { id: productId, input: [{ publicationId }] },
  );
  return writeResult(data[operation].userErrors, requestId);
}
