import { Response as RemixPolyfillResponse } from "@remix-run/web-fetch";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SANDBOX_SHOP_DOMAIN, type Sandbox, type SandboxOptions } from "../../sandbox";
import { sandboxWithClient } from "../../tests/support/sandbox-client";
import type { AdminClient } from "./admin-client.server";
import { BulkOperationError, forEachBulkCatalogBatch, GroupedCatalogReader, parseBulkCatalog, readCatalogInBulk, type BulkOperationState } from "./bulk-catalog.server";
import { readCatalogPage, setChannelMetafields, type ShopifyItem } from "./inventory.server";

const RUN = `mutation Run($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id } userErrors { code message } } }`;

let sandbox: Sandbox | undefined;
afterEach(() => {
  sandbox?.close();
  sandbox = undefined;
});

function setup(seed?: SandboxOptions["seed"], options: Pick<SandboxOptions, "bulkObjectsPerSecond"> = {}) {
  const made = sandboxWithClient(seed, options);
  sandbox = made.sandbox;
  return made;
}

/**
 * Every page, each item as a bulk line can tell it: a paged read knows whether a variant is a
 * bundle's component (`productParents`), a bulk line cannot (a third nested connection), so
 * `inBundle` is known there only for a bundle (docs/decisions/034).
 */
async function readAllPages(client: AdminClient): Promise<ShopifyItem[]> {
  const items: ShopifyItem[] = [];
  let after: string | null = null;
  do {
    const page = await readCatalogPage(client, after);
    items.push(...page.items);
    after = page.nextCursor;
  } while (after);
  expect(items.every((item) => typeof item.inBundle === "boolean")).toBe(true);
  return items.map((item) => ({ ...item, inBundle: item.isBundle ? true : null }));
}

const sorted = (items: ShopifyItem[]) =>
  [...items]
    .map((item) => ({ ...item, levels: [...item.levels].sort((a, b) => a.levelId.localeCompare(b.levelId)) }))
    .sort((a, b) => a.inventoryItemId.localeCompare(b.inventoryItemId));

const noSleep = async () => {};
/**
 * A bulk read takes the shop's time (the emulator's rate): each wait between polls moves the
 * shop's clock on by what it would have slept, so the read finishes in as many polls whatever
 * the machine's speed (racing real time with no sleep timed out under load).
 */
const shopTimeSleep = (shop: Sandbox) => async (ms: number) => {
  shop.setClock(new Date(shop.clock.now().getTime() + ms));
};

describe("readCatalogInBulk against the emulated shop", () => {
  it("returns exactly what paging with readCatalogPage returns (default seed)", async () => {
    const { sandbox, client } = setup();
    const polls: string[] = [];
    const bulk = await readCatalogInBulk(client, { sleep: shopTimeSleep(sandbox), onPoll: (op) => polls.push(op.status) });
    // The read takes time (the emulator's rate): RUNNING until the last object is read.
    expect(polls.at(-1)).toBe("COMPLETED");
    expect(polls.slice(0, -1).every((status) => status === "RUNNING")).toBe(true);
    const paged = await readAllPages(client);
    expect(bulk.length).toBe(paged.length);
    expect(bulk.length).toBeGreaterThan(0);
    expect(sorted(bulk)).toEqual(sorted(paged));
  });

  it("returns exactly what paging returns for a generated catalog of 500 variants", async () => {
    const { sandbox, client } = setup({ variants: 500 });
    const bulk = await readCatalogInBulk(client, { sleep: shopTimeSleep(sandbox) });
    const paged = await readAllPages(client);
    expect(bulk).toHaveLength(500);
    expect(sorted(bulk)).toEqual(sorted(paged));
  });

  it("streams the same items in batches of the given size (grouped file, read line by line)", async () => {
    const { sandbox, client } = setup({ variants: 500 });
    const sizes: number[] = [];
    const streamed: ShopifyItem[] = [];
    const onBatch = async (batch: ShopifyItem[]) => {
      sizes.push(batch.length);
      streamed.push(...batch);
    };
    await forEachBulkCatalogBatch(client, 200, onBatch, { sleep: shopTimeSleep(sandbox) });
    expect(sizes).toEqual([200, 200, 100]);
    expect(sorted(streamed)).toEqual(sorted(await readAllPages(client)));
  });

  it("sees channel metafields and recent inventory changes", async () => {
    const { sandbox, client } = setup();
    const [variant] = sandbox.shop().snapshot().variants;
    await sandbox.placeOrder({ lineItems: [{ variantId: variant!.id, quantity: 1 }] });
    expect(await setChannelMetafields(client, [{ variantId: variant!.id, value: JSON.stringify({ online_store: 3 }), compareDigest: null }])).toMatchObject({ ok: true });
    const bulk = await readCatalogInBulk(client, { sleep: shopTimeSleep(sandbox) });
    const paged = await readAllPages(client);
    expect(sorted(bulk)).toEqual(sorted(paged));
    expect(bulk.find((item) => item.variantId === variant!.id)!.channelMetafield).toMatchObject({ value: JSON.stringify({ online_store: 3 }) });
  });

  it("backs off between polls and passes the result URL to fetchResult", async () => {
    // 50 objects a second: the default seed's read takes about two seconds of the shop's clock,
    // which each wait moves on instead of sleeping.
    const { sandbox, client } = setup(undefined, { bulkObjectsPerSecond: 50 });
    const waits: number[] = [];
    const urls: string[] = [];
    await readCatalogInBulk(client, {
      pollIntervalMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
        sandbox.setClock(new Date(sandbox.clock.now().getTime() + ms));
      },
      fetchResult: async (url) => {
        urls.push(url);
        const response = await fetch(url);
        return response.text();
      },
    });
    // 100 ms, then ×1.5 per poll while the read runs.
    expect(waits.length).toBeGreaterThan(2);
    expect(waits[0]).toBe(100);
    waits.slice(1).forEach((ms, i) => expect(ms).toBe(Math.ceil(waits[i]! * 1.5)));
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/^https:\/\/safestock-sandbox\.myshopify\.com\/sandbox\/bulk\/\d+\.jsonl$/);
  });

  it("streams the file when fetch is Remix's polyfill, as under remix-serve (docs/decisions/022)", async () => {
    const { sandbox, client } = setup({ variants: 30 });
    const nodeFetch = globalThis.fetch;
    // remix-serve installs @remix-run/web-fetch as the global fetch; its body is not Node's ReadableStream.
    vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
      const answer = await nodeFetch(input, init);
      return String(input).includes("/sandbox/bulk/") ? new RemixPolyfillResponse(await answer.text()) : answer;
    });
    try {
      const seen: string[] = [];
      await forEachBulkCatalogBatch(client, 7, async (items) => void seen.push(...items.map((item) => item.inventoryItemId)), { sleep: shopTimeSleep(sandbox) });
      expect(seen).toHaveLength(30);
      expect(new Set(seen).size).toBe(30);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("returns [] when the shop has no inventory items (Shopify gives no url)", async () => {
    const { client } = setup("empty");
    expect(await readCatalogInBulk(client, { sleep: noSleep })).toEqual([]);
  });

  it("throws a retryable USER_ERRORS BulkOperationError when the shop's five bulk slots are busy", async () => {
    // One object a minute: the five operations below are still running when the app asks.
    const { sandbox, client, accessToken } = setup(undefined, { bulkObjectsPerSecond: 1 / 60 });
    for (let i = 0; i < 5; i++) {
      const res = await sandbox.shop().graphql({ query: RUN, variables: { query: "{ products { nodes { id } } }" } }, accessToken);
      expect((res.body.data as { bulkOperationRunQuery: { userErrors: unknown[] } }).bulkOperationRunQuery.userErrors).toEqual([]);
    }
    const error = await readCatalogInBulk(client, { sleep: noSleep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkOperationError);
    const bulkError = error as BulkOperationError;
    expect(bulkError).toMatchObject({ reason: "USER_ERRORS", shop: SANDBOX_SHOP_DOMAIN, operationId: null });
    expect(bulkError.userErrors[0]!.code).toBe("LIMIT_REACHED");
    expect(bulkError.retryable).toBe(true);
    expect(bulkError.message).toContain(SANDBOX_SHOP_DOMAIN);
  });
});

/** A scripted client: answers by operation name. */
function scriptedClient(statuses: Partial<BulkOperationState>[], calls: string[] = []): AdminClient {
  let poll = 0;
  return {
    shop: "scripted.myshopify.com",
    async request<T>(operation: string) {
      calls.push(operation);
      const id = "gid://shopify/BulkOperation/42";
      if (operation === "SafestockBulkRunQuery") return { data: { bulkOperationRunQuery: { bulkOperation: { id, status: "CREATED" }, userErrors: [] } } as T, cost: null, requestId: null };
      if (operation === "SafestockBulkCancel") return { data: { bulkOperationCancel: { bulkOperation: { id, status: "CANCELING" }, userErrors: [] } } as T, cost: null, requestId: null };
      const step = statuses[Math.min(poll++, statuses.length - 1)]!;
      const op: BulkOperationState = {
        id,
        status: "RUNNING",
        errorCode: null,
        objectCount: "0",
        rootObjectCount: "0",
        fileSize: null,
        url: null,
        partialDataUrl: null,
        createdAt: "2026-11-01T09:00:00Z",
        completedAt: null,
        ...step,
      };
      return { data: { bulkOperation: op } as T, cost: null, requestId: null };
    },
  };
}

describe("readCatalogInBulk failures", () => {
  it("FAILED → BulkOperationError with shop, operation id, errorCode and partialDataUrl", async () => {
    const client = scriptedClient([{ status: "RUNNING" }, { status: "FAILED", errorCode: "TIMEOUT", partialDataUrl: "https://x/partial.jsonl" }]);
    const error = (await readCatalogInBulk(client, { sleep: noSleep }).catch((e: unknown) => e)) as BulkOperationError;
    expect(error).toBeInstanceOf(BulkOperationError);
    expect(error).toMatchObject({ reason: "FAILED", shop: "scripted.myshopify.com", operationId: "gid://shopify/BulkOperation/42", errorCode: "TIMEOUT", partialDataUrl: "https://x/partial.jsonl" });
    expect(error.message).toContain("gid://shopify/BulkOperation/42");
    expect(error.message).toContain("scripted.myshopify.com");
    expect(error.retryable).toBe(true);
  });

  it("CANCELED → BulkOperationError reason CANCELED", async () => {
    const client = scriptedClient([{ status: "CANCELED" }]);
    await expect(readCatalogInBulk(client, { sleep: noSleep })).rejects.toMatchObject({ reason: "CANCELED" });
  });

  it("times out with backoff, asks Shopify to cancel, and says which operation", async () => {
    const calls: string[] = [];
    const client = scriptedClient([{ status: "RUNNING" }], calls);
    const waits: number[] = [];
    const error = (await readCatalogInBulk(client, {
      pollIntervalMs: 1000,
      maxPollIntervalMs: 4000,
      timeoutMs: 15_000,
      now: () => 0,
      sleep: async (ms) => void waits.push(ms),
    }).catch((e: unknown) => e)) as BulkOperationError;
    expect(error).toMatchObject({ reason: "TIMEOUT", operationId: "gid://shopify/BulkOperation/42" });
    expect(waits).toEqual([1000, 1500, 2250, 3375, 4000]);
    expect(calls.at(-1)).toBe("SafestockBulkCancel");
  });

  it("a failed download is a DOWNLOAD error naming the operation", async () => {
    const client = scriptedClient([{ status: "COMPLETED", url: "https://x/result.jsonl", objectCount: "1" }]);
    await expect(
      readCatalogInBulk(client, { sleep: noSleep, fetchResult: async () => Promise.reject(new Error("403")) }),
    ).rejects.toMatchObject({ reason: "DOWNLOAD", operationId: "gid://shopify/BulkOperation/42" });
  });
});

describe("GroupedCatalogReader", () => {
  const item = (n: number) => JSON.stringify({ id: `gid://shopify/InventoryItem/${n}`, sku: `S${n}`, tracked: true });
  const level = (n: number, of: number) =>
    JSON.stringify({
      id: `gid://shopify/InventoryLevel/${n}?inventory_item_id=${of}`,
      location: { id: "gid://shopify/Location/5", name: "W", isActive: true },
      quantities: [{ name: "on_hand", quantity: n }],
      __parentId: `gid://shopify/InventoryItem/${of}`,
    });

  it("hands over an item when the next one starts, with its own levels", () => {
    const reader = new GroupedCatalogReader();
    const out = [item(1), level(10, 1), level(11, 1), item(2), level(20, 2)].map((line) => reader.line(line));
    expect(out.slice(0, 3)).toEqual([null, null, null]);
    expect(out[3]).toMatchObject({ inventoryItemId: "gid://shopify/InventoryItem/1", sku: "S1" });
    expect(out[3]!.levels.map((l) => l.quantities.on_hand)).toEqual([10, 11]);
    expect(reader.end()!.levels.map((l) => l.quantities.on_hand)).toEqual([20]);
    expect(reader.end()).toBeNull();
  });

  it("refuses a file that is not grouped instead of handing over an item without some of its levels", () => {
    const reader = new GroupedCatalogReader();
    reader.line(item(1));
    reader.line(item(2));
    expect(() => reader.line(level(10, 1))).toThrow(/not grouped/);
  });
});

describe("parseBulkCatalog", () => {
  it("does not depend on line order (children may come long after, or be grouped under, their parent)", () => {
    const item = { id: "gid://shopify/InventoryItem/1", sku: null, tracked: true };
    const variant = {
      id: "gid://shopify/ProductVariant/2",
      title: "S",
      inventoryPolicy: "CONTINUE",
      product: { id: "gid://shopify/Product/3", title: "Shirt", tags: ["a"] },
      metafield: null,
      __parentId: item.id,
    };
    const level = {
      id: "gid://shopify/InventoryLevel/4?inventory_item_id=1",
      location: { id: "gid://shopify/Location/5", name: "W", isActive: true },
      quantities: [{ name: "available", quantity: 3 }, { name: "on_hand", quantity: 4 }],
      __parentId: item.id,
    };
    const lines = [item, level, variant].map((l) => JSON.stringify(l)).join("\n");
    expect(parseBulkCatalog(`${lines}\n`)).toEqual([
      {
        inventoryItemId: item.id,
        sku: "",
        tracked: true,
        continueSelling: true,
        leftAlone: null,
        isBundle: false,
        // A bulk line cannot say whether the variant is a bundle's component (no productParents).
        inBundle: null,
        variantId: variant.id,
        variantTitle: "S",
        productId: "gid://shopify/Product/3",
        productTitle: "Shirt",
        tags: ["a"],
        channelMetafield: null,
        levels: [
          {
            levelId: level.id,
            locationId: "gid://shopify/Location/5",
            locationName: "W",
            locationActive: true,
            quantities: { available: 3, committed: 0, reserved: 0, damaged: 0, safety_stock: 0, quality_control: 0, on_hand: 4, incoming: 0 },
          },
        ],
      },
    ]);
  });
});
