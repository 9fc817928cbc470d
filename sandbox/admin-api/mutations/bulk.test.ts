import { describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET } from "../../contract.js";
import { composeSandbox } from "../../http/compose.js";
import { createRunningClock } from "../../shop/clock.js";
import { createShopEmulator } from "../emulator.js";
import { bulkResultFile, BULK_RESULT_TTL_MS, DEFAULT_BULK_OBJECTS_PER_SECOND } from "../resolvers/bulk.js";
import { ADJUST_MUTATION, testShop, type TestShop } from "../test-helpers.js";
import { MAX_CONCURRENT_BULK_QUERIES } from "./bulk.js";

const RUN = `mutation Run($query: String!, $group: Boolean) {
  bulkOperationRunQuery(query: $query, groupObjects: $group) {
    bulkOperation { id status type query createdAt completedAt url objectCount }
    userErrors { field message code }
  }
}`;

const POLL = `query Poll($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt type query }
}`;

const LEVELS_QUERY = `{
  inventoryItems {
    edges {
      node {
        id
        sku
        variants { edges { node { id sku } } }
        inventoryLevels {
          edges {
            node {
              id
              location { id name }
              quantities(names: ["available", "committed", "on_hand"]) { name quantity }
            }
          }
        }
      }
    }
  }
}`;

type Line = Record<string, unknown> & { id: string; __parentId?: string };

async function start(t: TestShop, query: string, group?: boolean) {
  const res = await t.gql(RUN, group === undefined ? { query } : { query, group });
  if (!res.data?.bulkOperationRunQuery) throw new Error(JSON.stringify(res.errors));
  return res.data.bulkOperationRunQuery as { bulkOperation: { id: string; status: string } | null; userErrors: { field: string[] | null; message: string; code: string }[] };
}

async function poll(t: TestShop, id: string) {
  const res = await t.gql(POLL, { id });
  return res.data.bulkOperation as Record<string, string | null>;
}

/** Polls until finished, a second of the shop's clock between polls (a run reads over time). */
async function finish(t: TestShop, id: string) {
  for (let i = 0; i < 10; i++) {
    const op = await poll(t, id);
    if (!["CREATED", "RUNNING", "CANCELING"].includes(op.status!)) return op;
    t.clock.advance(1000);
  }
  throw new Error("bulk operation did not finish");
}

function linesOf(t: TestShop, op: Record<string, string | null>): Line[] {
  const legacy = op.id!.split("/").pop()!;
  const text = bulkResultFile(t.shop, legacy);
  expect(text).not.toBeNull();
  expect(text!.endsWith("\n")).toBe(true);
  return text!.trimEnd().split("\n").map((l) => JSON.parse(l) as Line);
}

describe("bulkOperationRunQuery", () => {
  it("reads every inventory item, variant and level of the default seed exactly once, with __parentId", async () => {
    const t = testShop();
    const started = await start(t, LEVELS_QUERY);
    expect(started.userErrors).toEqual([]);
    expect(started.bulkOperation).toMatchObject({ status: "CREATED", type: "QUERY", query: LEVELS_QUERY, completedAt: null, url: null, objectCount: "0" });
    const id = started.bulkOperation!.id;
    expect(id).toMatch(/^gid:\/\/shopify\/BulkOperation\/\d+$/);

    expect((await poll(t, id)).status).toBe("RUNNING");
    t.clock.advance(1500);
    const done = await poll(t, id);
    expect(done.status).toBe("COMPLETED");
    expect(done.errorCode).toBeNull();
    expect(done.url).toBe(`https://${t.shop.domain}/sandbox/bulk/${id.split("/").pop()}.jsonl`);
    expect(done.partialDataUrl).toBeNull();
    // The run ends when its last object's turn has passed: objectCount objects at the default rate.
    const took = new Date(done.completedAt!).getTime() - new Date(done.createdAt!).getTime();
    expect(Math.abs(took - (Number(done.objectCount) * 1000) / DEFAULT_BULK_OBJECTS_PER_SECOND)).toBeLessThanOrEqual(1);

    const lines = linesOf(t, done);
    const state = t.shop.state;
    const items = lines.filter((l) => l.id.startsWith("gid://shopify/InventoryItem/"));
    const variants = lines.filter((l) => l.id.startsWith("gid://shopify/ProductVariant/"));
    const levels = lines.filter((l) => l.id.startsWith("gid://shopify/InventoryLevel/"));
    expect(items.length + variants.length + levels.length).toBe(lines.length);

    // Every item once, top level, no nested connection left inline.
    expect(items.map((i) => i.id).sort()).toEqual([...state.inventoryItems.keys()].sort());
    for (const item of items) {
      expect(item.__parentId).toBeUndefined();
      expect(item).not.toHaveProperty("variants");
      expect(item).not.toHaveProperty("inventoryLevels");
      expect(item.sku).toBe(state.inventoryItems.get(item.id)!.sku);
    }
    // Every variant once, under its item.
    expect(variants.map((v) => v.id).sort()).toEqual([...state.variants.keys()].sort());
    for (const v of variants) expect(v.__parentId).toBe(state.variants.get(v.id)!.inventoryItemId);
    // Every active level once, under its item, quantities inline (a plain list, not a connection).
    const activeLevels = [...state.levelsById.values()].filter((l) => l.isActive);
    expect(levels.map((l) => l.id).sort()).toEqual(activeLevels.map((l) => l.id).sort());
    for (const l of levels) {
      const record = state.levelsById.get(l.id)!;
      expect(l.__parentId).toBe(record.inventoryItemId);
      expect(l.location).toEqual({ id: record.locationId, name: state.locations.get(record.locationId)!.name });
      expect(l.quantities).toEqual([
        { name: "available", quantity: record.quantities.available },
        { name: "committed", quantity: record.quantities.committed },
        { name: "on_hand", quantity: record.quantities.on_hand },
      ]);
      expect(Object.keys(l).at(-1)).toBe("__parentId");
    }
    // Parents precede children; not grouped (the 2026-10 default): each read step's top-level
    // lines come before its children, so a child is not always next to its parent.
    const index = new Map(lines.map((l, i) => [l.id, i]));
    for (const l of lines) if (l.__parentId) expect(index.get(l.__parentId)!).toBeLessThan(index.get(l.id)!);
    expect(lines[0]!.__parentId).toBeUndefined();

    expect(done.objectCount).toBe(String(lines.length));
    expect(done.rootObjectCount).toBe(String(items.length));
    expect(done.fileSize).toBe(String(Buffer.byteLength(bulkResultFile(t.shop, id.split("/").pop()!)!)));
  });

  it("groupObjects: true puts each object's children directly under it", async () => {
    const t = testShop();
    const { bulkOperation } = await start(t, LEVELS_QUERY, true);
    const lines = linesOf(t, await finish(t, bulkOperation!.id));
    let currentItem = "";
    for (const l of lines) {
      if (!l.__parentId) currentItem = l.id;
      else expect(l.__parentId).toBe(currentItem);
    }
  });

  it("drains connections past 250 nodes and honours query: filters", async () => {
    const t = testShop({ seed: { variants: 600 } });
    const all = await start(t, `{ productVariants { nodes { id sku } } }`);
    const lines = linesOf(t, await finish(t, all.bulkOperation!.id));
    expect(lines).toHaveLength(600);
    expect(new Set(lines.map((l) => l.id)).size).toBe(600);

    const sku = [...t.shop.state.variants.values()][7]!.sku;
    const filtered = await start(t, `{ productVariants(query: "sku:${sku}") { edges { cursor node { id sku } } pageInfo { hasNextPage } } }`);
    expect(linesOf(t, await finish(t, filtered.bulkOperation!.id))).toEqual([{ id: [...t.shop.state.variants.values()][7]!.id, sku }]);
  });

  it("completes with url null and objectCount 0 when nothing matches", async () => {
    const t = testShop();
    const { bulkOperation } = await start(t, `{ productVariants(query: "sku:NOPE") { nodes { id } } }`);
    const done = await finish(t, bulkOperation!.id);
    expect(done).toMatchObject({ status: "COMPLETED", url: null, objectCount: "0", fileSize: null });
  });

  it("refuses an invalid inner query with userErrors and no operation", async () => {
    const t = testShop();
    const bad = await start(t, `{ inventoryItems { edges { node { id nope } } } }`);
    expect(bad.bulkOperation).toBeNull();
    expect(bad.userErrors).toEqual([{ field: ["query"], message: "Invalid bulk query: Field 'nope' doesn't exist on type 'InventoryItem'", code: "INVALID" }]);

    const syntax = await start(t, `{ inventoryItems { edges { node { id } }`);
    expect(syntax.bulkOperation).toBeNull();
    expect(syntax.userErrors[0]).toMatchObject({ field: ["query"], code: "INVALID" });
    expect(syntax.userErrors[0]!.message).toMatch(/^Invalid bulk query: syntax error/);
  });

  it("enforces the documented bulk query rules", async () => {
    const t = testShop();
    const message = async (q: string) => (await start(t, q)).userErrors.map((e) => e.message);
    expect(await message(`{ shop { name } }`)).toEqual(["Bulk queries must contain at least one connection."]);
    expect(await message(`{ nodes(ids: ["gid://shopify/Product/8000000000001"]) { id ... on Product { variants { nodes { id } } } } }`)).toContain(
      "Bulk queries cannot contain top level `node` or `nodes` fields.",
    );
    // three levels of nested connections
    expect(await message(`{ products { nodes { id variants { nodes { id inventoryItem { id inventoryLevels { nodes { id } } } } } } } }`)).toEqual([
      "Bulk queries cannot contain connections with a nesting depth greater than 2.",
    ]);
    // six connections
    expect(
      await message(`{ products { nodes { id a: variants { nodes { id } } b: variants { nodes { id } } c: variants { nodes { id } } d: variants { nodes { id } } e: variants { nodes { id } } } } }`),
    ).toEqual(["Bulk queries cannot contain more than 5 connections."]);
    // the owner of a nested connection must select id, unaliased
    expect(await message(`{ inventoryItems { nodes { key: id inventoryLevels { nodes { id } } } } }`)).toEqual([
      "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': inventoryLevels.",
    ]);
    expect(await message(`mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { userErrors { message } } }`)).toEqual(["Bulk queries must be query operations."]);
    expect(await message(`query Q($n: Int) { products(first: $n) { nodes { id } } }`)).toEqual(["Bulk queries cannot declare variables."]);
    expect(t.shop.state && [...(await t.gql(`{ bulkOperations(first: 10) { nodes { id } } }`)).data.bulkOperations.nodes]).toEqual([]);
  });

  it(`allows ${MAX_CONCURRENT_BULK_QUERIES} concurrent bulk queries per shop and refuses the next`, async () => {
    const t = testShop();
    const ids: string[] = [];
    for (let i = 0; i < MAX_CONCURRENT_BULK_QUERIES; i++) {
      const r = await start(t, `{ products { nodes { id } } }`);
      expect(r.userErrors).toEqual([]);
      ids.push(r.bulkOperation!.id);
    }
    const sixth = await start(t, `{ products { nodes { id } } }`);
    expect(sixth.bulkOperation).toBeNull();
    expect(sixth.userErrors).toHaveLength(1);
    expect(sixth.userErrors[0]).toMatchObject({ field: null, code: "LIMIT_REACHED" });
    expect(sixth.userErrors[0]!.message).toContain(ids[0]);

    // Another shop has its own slots.
    const other = testShop({ domain: "other-shop.myshopify.com" });
    expect((await start(other, `{ products { nodes { id } } }`)).userErrors).toEqual([]);

    // A finished operation frees its slot.
    await finish(t, ids[0]!);
    expect((await start(t, `{ products { nodes { id } } }`)).userErrors).toEqual([]);
  });

  it("costs 10 like any mutation (its payload objects are free); the operation itself is free", async () => {
    const t = testShop();
    const res = await t.gql(RUN, { query: `{ products { nodes { id } } }` });
    // recorded: bulkOperationRunQuery { bulkOperation { … } userErrors { … } } costs 10 → 10
    // (bulk-operations/bulk-operation-run-query-*.json captures, docs/decisions/016 §1)
    expect(res.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it("fails with INTERNAL_SERVER_ERROR and a partialDataUrl when a field errors while running", async () => {
    const t = testShop();
    // Product.category is in the schema (nullable) but not emulated by the sandbox.
    const { bulkOperation, userErrors } = await start(t, `{ products { nodes { id title category { id } } } }`);
    expect(userErrors).toEqual([]);
    const done = await finish(t, bulkOperation!.id);
    expect(done).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null });
    expect(done.partialDataUrl).toMatch(/\/sandbox\/bulk\/\d+\.jsonl$/);
  });
});

describe("bulk operation reads and cancel", () => {
  it("bulkOperations lists newest first with status filters; currentBulkOperation is the newest query", async () => {
    const t = testShop();
    const a = (await start(t, `{ products { nodes { id } } }`)).bulkOperation!.id;
    await finish(t, a);
    const b = (await start(t, `{ locations { nodes { id } } }`)).bulkOperation!.id;
    const list = await t.gql(`{ bulkOperations(first: 10) { nodes { id status } } }`);
    // listing observes (advances) each operation too
    expect(list.data.bulkOperations.nodes).toEqual([
      { id: b, status: "RUNNING" },
      { id: a, status: "COMPLETED" },
    ]);
    t.clock.advance(1000);
    const running = await t.gql(`{ bulkOperations(first: 10, query: "status:running") { nodes { id } } }`);
    expect(running.data.bulkOperations.nodes).toEqual([]); // b was observed again: COMPLETED now
    const completed = await t.gql(`{ bulkOperations(first: 10, query: "status:completed operation_type:query") { nodes { id } } }`);
    expect(completed.data.bulkOperations.nodes).toEqual([{ id: b }, { id: a }]);
    const page = await t.gql(`{ bulkOperations(first: 1) { nodes { id } pageInfo { endCursor } } }`);
    const next = await t.gql(`query N($after: String) { bulkOperations(first: 1, after: $after) { nodes { id } } }`, { after: page.data.bulkOperations.pageInfo.endCursor });
    expect(next.data.bulkOperations.nodes).toEqual([{ id: a }]);
    const current = await t.gql(`{ currentBulkOperation { id status } }`);
    expect(current.data.currentBulkOperation).toEqual({ id: b, status: "COMPLETED" });
  });

  it("bulkOperationCancel: CANCELING then CANCELED, frees the slot; finished operations cannot be canceled", async () => {
    const t = testShop();
    const id = (await start(t, `{ products { nodes { id } } }`)).bulkOperation!.id;
    const CANCEL = `mutation C($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } } }`;
    const c = await t.gql(CANCEL, { id });
    expect(c.data.bulkOperationCancel).toEqual({ bulkOperation: { id, status: "CANCELING" }, userErrors: [] });
    expect((await poll(t, id)).status).toBe("CANCELED");
    const again = await t.gql(CANCEL, { id });
    expect(again.data.bulkOperationCancel.userErrors).toEqual([{ field: null, message: "A bulk operation cannot be canceled when it is canceled" }]);
    const missing = await t.gql(CANCEL, { id: "gid://shopify/BulkOperation/1" });
    expect(missing.data.bulkOperationCancel).toEqual({ bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] });
  });

  it("results expire after seven days", async () => {
    const t = testShop();
    const id = (await start(t, `{ products { nodes { id } } }`)).bulkOperation!.id;
    await finish(t, id);
    t.clock.advance(BULK_RESULT_TTL_MS);
    expect(await poll(t, id)).toMatchObject({ status: "EXPIRED", url: null });
    expect(bulkResultFile(t.shop, id.split("/").pop()!)).toBeNull();
  });
});

describe("the sandbox serves the JSONL at BulkOperation.url", () => {
  it("GET https://<shop>/sandbox/bulk/<id>.jsonl returns the file; unknown ids are 404", async () => {
    const sandbox = composeSandbox({
      apiKey: SANDBOX_API_KEY,
      apiSecret: SANDBOX_API_SECRET,
      appUrl: "https://safestock.test",
      deliver: async () => new Response(null, { status: 200 }),
      createShop: (o) => createShopEmulator(o as Parameters<typeof createShopEmulator>[0]),
      autoInstall: true,
      // The shops' clock is pinned before 2027-01-01: this test uses the app's non-expiring token, which Shopify refuses from then on (sandbox/shop/clock.ts).
      clock: createRunningClock(),
    });
    try {
      const shop = sandbox.shop();
      const token = "shpat_sandbox";
      shop.grantAccessToken(token, []);
      const run = await shop.graphql({ query: RUN, variables: { query: `{ locations { nodes { id name } } }` } }, token);
      const id = (run.body.data as { bulkOperationRunQuery: { bulkOperation: { id: string } } }).bulkOperationRunQuery.bulkOperation.id;
      let url: string | null = null;
      for (let i = 0; i < 3 && !url; i++) {
        // A run reads over time: a second of the shop's clock between polls, as a real wait.
        sandbox.setClock(new Date(sandbox.clock.now().getTime() + 1000));
        const p = await shop.graphql({ query: POLL, variables: { id } }, token);
        url = (p.body.data as { bulkOperation: { url: string | null } }).bulkOperation.url;
      }
      const res = await sandbox.handle(new Request(url!));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/jsonl/);
      const lines = (await res.text()).trimEnd().split("\n").map((l) => JSON.parse(l));
      expect(lines.map((l: { name: string }) => l.name)).toEqual(["Warehouse", "Soho store", "Brooklyn store"]);
      expect((await sandbox.handle(new Request(`https://${shop.domain}/sandbox/bulk/1.jsonl`))).status).toBe(404);
    } finally {
      sandbox.close();
    }
  });
});

describe("a bulk read takes time (SHOPIFY-FACTS.md: not a snapshot)", () => {
  const ITEMS_QUERY = `{ inventoryItems { edges { node { id inventoryLevels { edges { node { id location { id } quantities(names: ["available"]) { name quantity } } } } } } } }`;
  const availableIn = (lines: Line[], itemId: string, locationId: string) => {
    const level = lines.find((l) => l.__parentId === itemId && (l.location as { id: string }).id === locationId)!;
    return (level.quantities as { quantity: number }[])[0]!.quantity;
  };

  it("objectCount grows with the shop's clock at the configured rate; the file appears only at the end", async () => {
    // 10 objects a second: every default-seed item (1 line) with its 3 levels (3 lines) takes 0.4 s.
    const t = testShop({ bulkObjectsPerSecond: 10 });
    const id = (await start(t, ITEMS_QUERY)).bulkOperation!.id;
    const items = t.shop.state.inventoryItems.size;
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const op = await poll(t, id);
      expect(op).toMatchObject({ status: "RUNNING", url: null });
      counts.push(Number(op.objectCount));
      t.clock.advance(400);
    }
    // One root object (4 lines) at creation, then one more per 400 ms.
    expect(counts).toEqual([4, 8, 12, 16]);
    t.clock.advance(400 * items);
    const done = await poll(t, id);
    expect(done).toMatchObject({ status: "COMPLETED", objectCount: String(items * 4), rootObjectCount: String(items) });
    expect(new Date(done.completedAt!).getTime() - new Date(done.createdAt!).getTime()).toBe(400 * items);
  });

  it("a change during the run is seen by the lines read after it and not by those read before", async () => {
    const t = testShop({ bulkObjectsPerSecond: 10 });
    const warehouse = t.location("Warehouse");
    const first = t.variantBySku("RING-6").itemId; // the seed's first item: read at creation
    const ids = [...t.shop.state.inventoryItems.keys()].sort((a, b) => (BigInt(a.split("/").pop()!) < BigInt(b.split("/").pop()!) ? -1 : 1));
    const last = ids[ids.length - 1]!;
    expect(ids[0]).toBe(first);
    const before = { first: t.level("RING-6", "Warehouse").available!, last: t.shop.state.levels.get(`${last}|${warehouse}`)!.quantities.available };
    const id = (await start(t, ITEMS_QUERY)).bulkOperation!.id;
    t.clock.advance(400);
    // Both levels drop by 1 while the run is at its second item.
    const adjust = (itemId: string, from: number, key: string) =>
      t.gql(ADJUST_MUTATION, { key, input: { name: "available", reason: "correction", changes: [{ inventoryItemId: itemId, locationId: warehouse, delta: -1, changeFromQuantity: from }] } });
    expect((await adjust(first, before.first, "a")).data.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect((await adjust(last, before.last, "b")).data.inventoryAdjustQuantities.userErrors).toEqual([]);
    const done = await finish(t, id);
    const lines = linesOf(t, done);
    expect(availableIn(lines, first, warehouse)).toBe(before.first); // read before the change
    expect(availableIn(lines, last, warehouse)).toBe(before.last - 1); // read after it
  });
});
