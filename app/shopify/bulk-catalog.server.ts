/**
 * Reads the whole catalog (every inventory item with its variant, product, channel metafield,
 * levels and quantities) with one bulk query operation instead of paging `CATALOG_PAGE_QUERY`
 * (docs/decisions/011).
 *
 * Flow (https://shopify.dev/docs/api/usage/bulk-operations/queries):
 * 1. `bulkOperationRunQuery(query: BULK_CATALOG_QUERY)`: refused with `userErrors` (invalid
 *    query, or the shop already runs its maximum of five bulk queries, from 2026-01);
 * 2. poll `bulkOperation(id:)` with backoff until COMPLETED / FAILED / CANCELED / EXPIRED;
 *    (Shopify also offers the `bulk_operations/finish` webhook instead of polling);
 * 3. download `url` (a signed URL on Shopify's storage: plain GET, no access token; null when
 *    the operation produced no objects) and parse the JSONL: one object per line, each
 *    variant and level line carrying `__parentId` = its inventory item's id. Lines are not
 *    assumed to be adjacent to or ordered after their parent (groupObjects is false).
 * 4. map to the exact `ShopifyItem` shape `readCatalogPage` returns.
 *
 * Failures throw `BulkOperationError` carrying the shop, the operation id (when one exists) and
 * a `reason` the caller can branch on (e.g. fall back to paging on LIMIT_REACHED).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "~/env.server";
import { withDeadline } from "./deadline.server";
import type { AdminClient } from "./admin-client.server";
import type {
  BulkOperationStatus,
  SafestockBulkOperationQuery,
  SafestockBulkOperationQueryVariables,
  SafestockBulkRunQueryMutation,
  SafestockBulkRunQueryMutationVariables,
} from "./admin-types.generated";
import { BULK_CANCEL_MUTATION, BULK_CATALOG_QUERY, BULK_OPERATION_QUERY, BULK_RUN_QUERY_MUTATION } from "./bulk-documents";
import { shopifyItemFrom, type ShopifyItem } from "./shopify-item";

export type { BulkOperationStatus };

/** A bulk operation as SafestockBulkOperation reads it (generated from the 2026-10 schema). */
export type BulkOperationState = NonNullable<SafestockBulkOperationQuery["bulkOperation"]>;

export interface BulkUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

export type BulkFailureReason =
  /** bulkOperationRunQuery refused (see `userErrors`; LIMIT_REACHED = the shop's slots are busy) */
  | "USER_ERRORS"
  /** the operation FAILED (see `errorCode`, `partialDataUrl`) */
  | "FAILED"
  | "CANCELED"
  | "EXPIRED"
  /** still running after `timeoutMs`; we asked Shopify to cancel it */
  | "TIMEOUT"
  /** the result could not be downloaded or parsed */
  | "DOWNLOAD";

export class BulkOperationError extends Error {
  readonly shop: string;
  readonly operationId: string | null;
  readonly reason: BulkFailureReason;
  readonly userErrors: BulkUserError[];
  readonly errorCode: string | null;
  readonly partialDataUrl: string | null;

  constructor(
    message: string,
    details: {
      shop: string;
      operationId: string | null;
      reason: BulkFailureReason;
      userErrors?: BulkUserError[];
      errorCode?: string | null;
      partialDataUrl?: string | null;
    },
  ) {
    super(message);
    this.name = "BulkOperationError";
    this.shop = details.shop;
    this.operationId = details.operationId;
    this.reason = details.reason;
    this.userErrors = details.userErrors ?? [];
    this.errorCode = details.errorCode ?? null;
    this.partialDataUrl = details.partialDataUrl ?? null;
  }

  /** Worth trying again later (or reading page by page now): busy slots, transient failures. */
  get retryable(): boolean {
    if (this.reason === "USER_ERRORS") return this.userErrors.some((e) => e.code === "LIMIT_REACHED" || e.code === "OPERATION_IN_PROGRESS");
    if (this.reason === "FAILED") return this.errorCode === "INTERNAL_SERVER_ERROR" || this.errorCode === "TIMEOUT";
    return this.reason === "TIMEOUT" || this.reason === "DOWNLOAD" || this.reason === "EXPIRED";
  }
}

export interface ReadCatalogInBulkOptions {
  /** First wait between polls (default 1 s); grows ×1.5 per poll up to `maxPollIntervalMs`. */
  pollIntervalMs?: number;
  /** default 30 s */
  maxPollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Give up (and cancel) after this long (default 1 h); measured as the larger of wall-clock and time slept. */
  timeoutMs?: number;
  now?: () => number;
  /** Downloads the JSONL (default: `fetch(url)`, which msw and the sandbox redirect intercept). */
  fetchResult?: (url: string) => Promise<string>;
  /** Called after each poll (progress logging). */
  onPoll?: (operation: BulkOperationState) => void;
}

const TERMINAL: ReadonlySet<BulkOperationStatus> = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The result file, bounded by `SHOPIFY_DOWNLOAD_TIMEOUT_MS` (issue 22: a download never answered held its job for ever). */
function defaultFetchResult(url: string): Promise<string> {
  return withDeadline(`GET ${url}`, env().SHOPIFY_DOWNLOAD_TIMEOUT_MS, async (signal) => {
    const response = await fetch(url, { signal });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    return response.text();
  });
}

export async function readCatalogInBulk(client: AdminClient, options: ReadCatalogInBulkOptions = {}): Promise<ShopifyItem[]> {
  const operation = await startBulkCatalog(client);
  const finished = await waitForBulkOperation(client, operation.id, options);
  if (!finished.url) return []; // COMPLETED without objects: Shopify gives no file
  let text: string;
  try {
    text = await (options.fetchResult ?? defaultFetchResult)(finished.url);
  } catch (error) {
    throw new BulkOperationError(`Downloading bulk operation ${finished.id} for ${client.shop} failed: ${String(error)}`, {
      shop: client.shop,
      operationId: finished.id,
      reason: "DOWNLOAD",
    });
  }
  try {
    return parseBulkCatalog(text);
  } catch (error) {
    throw new BulkOperationError(`Bulk operation ${finished.id} for ${client.shop} returned unreadable JSONL: ${String(error)}`, {
      shop: client.shop,
      operationId: finished.id,
      reason: "DOWNLOAD",
    });
  }
}

export async function startBulkCatalog(client: AdminClient): Promise<{ id: string; status: BulkOperationStatus }> {
  const { data } = await client.request<SafestockBulkRunQueryMutation>("SafestockBulkRunQuery", BULK_RUN_QUERY_MUTATION, {
    query: BULK_CATALOG_QUERY,
  } satisfies SafestockBulkRunQueryMutationVariables);
  if (!data.bulkOperationRunQuery) throw new Error(`Shopify answered bulkOperationRunQuery: null without an error for ${client.shop}`);
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (userErrors.length > 0 || !bulkOperation) {
    throw new BulkOperationError(
      `bulkOperationRunQuery refused for ${client.shop}: ${userErrors.map((e) => `${e.code ?? "ERROR"}: ${e.message}`).join("; ") || "no operation returned"}`,
      { shop: client.shop, operationId: null, reason: "USER_ERRORS", userErrors },
    );
  }
  return bulkOperation;
}

/** Polls `bulkOperation(id:)` until it is COMPLETED; throws on FAILED/CANCELED/EXPIRED/timeout. */
export async function waitForBulkOperation(client: AdminClient, id: string, options: ReadCatalogInBulkOptions = {}): Promise<BulkOperationState> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 60 * 60 * 1000;
  const maxInterval = options.maxPollIntervalMs ?? 30_000;
  let interval = options.pollIntervalMs ?? 1000;
  const startedAt = now();
  let slept = 0;
  for (;;) {
    const { data } = await client.request<SafestockBulkOperationQuery>("SafestockBulkOperation", BULK_OPERATION_QUERY, {
      id,
    } satisfies SafestockBulkOperationQueryVariables);
    const op = data.bulkOperation;
    if (!op) {
      throw new BulkOperationError(`Bulk operation ${id} for ${client.shop} does not exist`, { shop: client.shop, operationId: id, reason: "EXPIRED" });
    }
    options.onPoll?.(op);
    if (TERMINAL.has(op.status)) {
      if (op.status === "COMPLETED") return op;
      const reason: BulkFailureReason = op.status === "FAILED" ? "FAILED" : op.status === "CANCELED" ? "CANCELED" : "EXPIRED";
      throw new BulkOperationError(
        `Bulk operation ${id} for ${client.shop} ended ${op.status}${op.errorCode ? ` (${op.errorCode})` : ""}`,
        { shop: client.shop, operationId: id, reason, errorCode: op.errorCode, partialDataUrl: op.partialDataUrl },
      );
    }
    if (Math.max(now() - startedAt, slept) + interval > timeoutMs) {
      await cancelQuietly(client, id);
      throw new BulkOperationError(`Bulk operation ${id} for ${client.shop} still ${op.status} after ${timeoutMs} ms; cancel requested`, {
        shop: client.shop,
        operationId: id,
        reason: "TIMEOUT",
      });
    }
    await sleep(interval);
    slept += interval;
    interval = Math.min(maxInterval, Math.ceil(interval * 1.5));
  }
}

/** Best effort: frees one of the shop's five bulk query slots. */
async function cancelQuietly(client: AdminClient, id: string): Promise<void> {
  try {
    await client.request("SafestockBulkCancel", BULK_CANCEL_MUTATION, { id });
  } catch {
    // the timeout error is what the caller needs to see
  }
}

// ---------------------------------------------------------------------------------------
// JSONL → ShopifyItem (the bulk counterpart of inventory.server.ts's `toItem`)

interface ItemLine {
  id: string;
  sku: string | null;
  tracked: boolean;
  requiresShipping: boolean;
}
interface VariantLine {
  id: string;
  title: string;
  requiresComponents: boolean;
  inventoryPolicy: "CONTINUE" | "DENY";
  product: { id: string; title: string; tags: string[]; isGiftCard: boolean };
  metafield: { id: string; value: string; compareDigest: string } | null;
  __parentId: string;
}
interface LevelLine {
  id: string;
  location: { id: string; name: string; isActive: boolean };
  quantities: { name: string; quantity: number }[];
  __parentId: string;
}

const typeOf = (id: string) => /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1] ?? null;

/** Parses the JSONL of BULK_CATALOG_QUERY; items keep the file's order, as do each item's levels. */
export function parseBulkCatalog(jsonl: string): ShopifyItem[] {
  const items = new Map<string, ItemLine>();
  const variants = new Map<string, VariantLine>();
  const levels = new Map<string, LevelLine[]>();
  for (const raw of jsonl.split("\n")) {
    const text = raw.trim();
    if (!text) continue;
    const line = JSON.parse(text) as { id?: unknown; __parentId?: unknown };
    if (typeof line.id !== "string") throw new Error(`line without id: ${text.slice(0, 200)}`);
    const type = typeOf(line.id);
    if (typeof line.__parentId !== "string") {
      if (type === "InventoryItem") items.set(line.id, line as ItemLine);
      continue;
    }
    if (type === "ProductVariant") {
      // An inventory item has one variant; the paged read keeps the first (`variants(first: 1)`).
      if (!variants.has(line.__parentId)) variants.set(line.__parentId, line as VariantLine);
    } else if (type === "InventoryLevel") {
      const list = levels.get(line.__parentId) ?? [];
      list.push(line as LevelLine);
      levels.set(line.__parentId, list);
    }
  }
  return [...items.values()].map((item) => shopifyItemFrom(item, variants.get(item.id), levels.get(item.id) ?? []));
}


// ---------------------------------------------------------------------------------------
// Streaming: the catalog in batches, memory bounded by the batch (docs/decisions/011-bulk-reads-for-large-catalogs.md)

/**
 * Reads the whole catalog with one bulk operation and hands it to `onBatch` `batchSize` items
 * at a time, in the file's order. The JSONL is downloaded to a temporary file first (a download
 * failure is a DOWNLOAD error before any batch ran, and the connection is not held open while
 * batches are planned and written), then read line by line: the operation runs with
 * `groupObjects: true`, so an item is complete when the next item's line starts. Only the
 * current batch is held: at 100,000 variants the whole file (~200 MB of text, several times
 * that once split and parsed at once) is never in memory.
 *
 * A line that belongs to an item already handed over means the file is not grouped: a DOWNLOAD
 * error (the batches before it were processed, as with any failure part-way through a run).
 * Errors thrown by `onBatch` propagate unchanged.
 */
export async function forEachBulkCatalogBatch(
  client: AdminClient,
  batchSize: number,
  onBatch: (items: ShopifyItem[]) => Promise<void>,
  options: ReadCatalogInBulkOptions = {},
): Promise<void> {
  const operation = await startBulkCatalog(client);
  const finished = await waitForBulkOperation(client, operation.id, options);
  if (!finished.url) return; // COMPLETED without objects: Shopify gives no file
  const failed = (what: string, error: unknown) =>
    new BulkOperationError(`Bulk operation ${finished.id} for ${client.shop} ${what}: ${String(error)}`, {
      shop: client.shop,
      operationId: finished.id,
      reason: "DOWNLOAD",
    });
  const dir = await mkdtemp(path.join(tmpdir(), "safestock-bulk-"));
  try {
    const file = path.join(dir, "catalog.jsonl");
    try {
      await downloadTo(finished.url, file, options.fetchResult);
    } catch (error) {
      throw failed("could not be downloaded", error);
    }
    const reader = new GroupedCatalogReader();
    let batch: ShopifyItem[] = [];
    const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
    for await (const raw of lines) {
      let done: ShopifyItem | null;
      try {
        done = reader.line(raw);
      } catch (error) {
        throw failed("returned unreadable JSONL", error);
      }
      if (!done) continue;
      batch.push(done);
      if (batch.length >= batchSize) {
        const full = batch;
        batch = [];
        await onBatch(full);
      }
    }
    const last = reader.end();
    if (last) batch.push(last);
    if (batch.length > 0) await onBatch(batch);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function downloadTo(url: string, file: string, fetchResult: ReadCatalogInBulkOptions["fetchResult"]): Promise<void> {
  if (fetchResult) {
    await writeFile(file, await fetchResult(url));
    return;
  }
  await withDeadline(`GET ${url}`, env().SHOPIFY_DOWNLOAD_TIMEOUT_MS, async (signal) => {
    const response = await fetch(url, { signal });
    if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}`);
    await pipeline(Readable.from(bodyChunks(response.body)), createWriteStream(file), { signal });
  });
}

/**
 * The body's chunks through the WHATWG reader interface, whichever implementation the installed
 * `fetch` returns: Node's own under tests and benchmarks, Remix's polyfill under remix-serve,
 * whose stream `Readable.fromWeb` refuses (docs/decisions/022).
 */
export async function* bodyChunks(body: { getReader(): ReadableStreamDefaultReader<Uint8Array> }): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    // Stops the download if writing the file failed part-way (a no-op once it ended).
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Grouped JSONL → items, one at a time: an item's line, then its variant and level lines
 * (`groupObjects: true`). Same mapping as `parseBulkCatalog`.
 */
export class GroupedCatalogReader {
  private item: ItemLine | null = null;
  private variant: VariantLine | undefined;
  private levels: LevelLine[] = [];

  /** Takes one line; returns the previous item when this line starts the next one. */
  line(raw: string): ShopifyItem | null {
    const text = raw.trim();
    if (!text) return null;
    const line = JSON.parse(text) as { id?: unknown; __parentId?: unknown };
    if (typeof line.id !== "string") throw new Error(`line without id: ${text.slice(0, 200)}`);
    const type = typeOf(line.id);
    if (typeof line.__parentId !== "string") {
      if (type !== "InventoryItem") return null;
      const done = this.end();
      this.item = line as ItemLine;
      return done;
    }
    if (!this.item || line.__parentId !== this.item.id) {
      // Its item was handed over already, or comes later: either way not the grouped order.
      throw new Error(`the file is not grouped: ${line.id} (of ${line.__parentId}) is not under its item`);
    }
    if (type === "ProductVariant") {
      // An inventory item has one variant; the paged read keeps the first (`variants(first: 1)`).
      this.variant ??= line as VariantLine;
    } else if (type === "InventoryLevel") {
      this.levels.push(line as LevelLine);
    }
    return null;
  }

  /** The item being read, once the file has ended (or when the next item starts). */
  end(): ShopifyItem | null {
    if (!this.item) return null;
    const done = shopifyItemFrom(this.item, this.variant, this.levels);
    this.item = null;
    this.variant = undefined;
    this.levels = [];
    return done;
  }
}
