/**
 * The Inventory page's CSV export and bulk edit against the emulated shop (docs/decisions/036).
 *
 * The shop holds four variants whose names test the file: a product title with a comma and
 * quotes, a product title and a SKU that a spreadsheet would run as formulas, and two variants
 * without a SKU. Expected figures are hand-computed from their stock (per location, in the order
 * Warehouse, Soho store, Brooklyn store; only Warehouse fulfils online orders, so Online Store,
 * Marketplace and Wholesale sell from it alone, and Point of Sale from all three):
 *   Gold "Lucky", Ring / 7 (RING-7) [8, 3, 1] with a 4-unit safety stock at Warehouse:
 *     Warehouse 8 on hand, 4 protected, 4 available; Soho 3/0/3; Brooklyn 1/0/1;
 *     online channels 4; Point of Sale 4 + 3 + 1 = 8.
 *   Sticker / Round ("" SKU) [6, 0, 0]: every channel 6.
 * Days of supply (the largest channel number ÷ the week's units a day, rounded down): Sticker /
 * Round sells 10 + 4 = 14 in the export's week = 2 a day, 6 ÷ 2 = "3 days"; nothing else has sold
 * yet: "No recent sales".
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as inventoryAction } from "~/routes/app.inventory";
import { loader as exportLoader } from "~/routes/app.inventory_.export";
import { loader as inventoryLoader } from "~/routes/app.inventory";
import { inventoryCsvStream } from "~/services/inventory-export.server";
import { publishPolicy } from "~/services/policy.server";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";
import { twinsShopFactory, type TwinProduct } from "./support/twins-shop";

const PRODUCTS: TwinProduct[] = [
  { title: 'Gold "Lucky", Ring', variants: [{ title: "7", sku: "RING-7", available: [8, 3, 1] }] },
  { title: "=HYPERLINK(\"http://evil.example\")", variants: [{ title: "@home", sku: "-LEAD", available: [2, 0, 0] }] },
  {
    title: "Sticker",
    variants: [
      { title: "Round", sku: "", available: [6, 0, 0] },
      { title: "Square", sku: "", available: [3, 4, 0] },
    ],
  },
];

/** A reference RFC 4180 reader (quoted fields, doubled quotes, CRLF records), independent of the exporter. */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      record.push(field);
      field = "";
    }
    else if (char === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += char;
  }
  if (field !== "" || record.length > 0) throw new Error("the last record does not end with CRLF");
  return records;
}

let harness: Harness;

beforeAll(async () => {
  harness = startHarness({ createShop: twinsShopFactory(PRODUCTS) });
  await harness.install();
  await harness.settle();
  const published = await publishPolicy(SANDBOX_SHOP_DOMAIN, { version: 1, protection: [{ kind: "safety_stock", sku: "RING-7", location: "Warehouse", units: 4 }], channels: [] }, { createdBy: "test" });
  if (!published.ok) throw new Error(JSON.stringify(published.problems));
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

describe("inventory export", () => {
  it("streams every item × location and item × channel as RFC 4180 CSV, with formulas made inert", async () => {
    const round = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot().variants.find((variant) => variant.title === "Round")!;
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await prisma.saleEvent.createMany({
      data: [10, 4].map((quantity, i) => ({ shop: SANDBOX_SHOP_DOMAIN, orderId: `export-o${i}`, lineItemId: `export-l${i}`, inventoryItemId: round.inventoryItemId, sku: "", channel: "web", quantity, occurredAt: twoDaysAgo })),
    });
    const request = new Request(new URL("/app/inventory/export", process.env.SHOPIFY_APP_URL), { headers: { Authorization: `Bearer ${harness.sandbox.mintSessionToken(SANDBOX_SHOP_DOMAIN)}` } });
    const response = await exportLoader({ request, params: {}, context: {} });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="safestock-inventory-[\w-]+-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(response.body).toBeInstanceOf(ReadableStream);
    const bytes = new Uint8Array(await response.arrayBuffer());
    // UTF-8's byte-order mark first, so spreadsheet apps read accented titles right.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const [header, ...rows] = readCsv(text);
    expect(header).toEqual(["inventory_item_id", "sku", "product", "variant", "row", "location_or_channel", "on_hand", "protected", "available", "paused", "why", "days_of_supply", "left_alone", "keeps_selling"]);
    // 4 variants × (3 locations + 4 channels).
    expect(rows).toHaveLength(28);
    expect(rows.every((row) => row.length === 14)).toBe(true);

    // The comma-and-quotes title is quoted, its quotes doubled, in the file as written.
    expect(text).toContain(',RING-7,"Gold ""Lucky"", Ring",7,location,Warehouse,8,4,4,,4 safety stock for SKU RING-7 at Warehouse,No recent sales,,no\r\n');
    const ring = rows.filter((row) => row[1] === "RING-7").map((row) => row.slice(4, 10));
    expect(ring).toEqual([
      ["location", "Brooklyn store", "1", "0", "1", ""],
      ["location", "Soho store", "3", "0", "3", ""],
      ["location", "Warehouse", "8", "4", "4", ""],
      ["channel", "Marketplace", "", "", "4", "no"],
      ["channel", "Online Store", "", "", "4", "no"],
      ["channel", "Point of Sale", "", "", "8", "no"],
      ["channel", "Wholesale", "", "", "4", "no"],
    ]);

    // Days of supply, the item's on each of its rows, in the Inventory page's words.
    const supplyByVariant = new Map<string, Set<string>>();
    for (const row of rows) supplyByVariant.set(`${row[2]} / ${row[3]}`, (supplyByVariant.get(`${row[2]} / ${row[3]}`) ?? new Set()).add(row[11]!));
    expect(Object.fromEntries([...supplyByVariant].map(([name, texts]) => [name, [...texts]]))).toEqual({
      'Gold "Lucky", Ring / 7': ["No recent sales"],
      "'=HYPERLINK(\"http://evil.example\") / '@home": ["No recent sales"],
      "Sticker / Round": ["3 days"],
      "Sticker / Square": ["No recent sales"],
    });

    // Text starting with = - @ reaches a spreadsheet as text, never as a formula.
    const lead = rows.find((row) => row[4] === "location" && row[5] === "Warehouse" && row[3] === "'@home")!;
    expect(lead.slice(1, 4)).toEqual(["'-LEAD", "'=HYPERLINK(\"http://evil.example\")", "'@home"]);
    for (const row of rows) for (const field of row) expect(field).not.toMatch(/^[=+\-@]/);

    // Blank SKUs stay blank; the variant names tell the two stickers apart.
    const stickers = new Set(rows.filter((row) => row[2] === "Sticker").map((row) => `${row[1]}|${row[3]}`));
    expect(stickers).toEqual(new Set(["|Round", "|Square"]));
    // Every item's rows come together, one item after another.
    const ids = rows.map((row) => row[0]);
    expect(new Set(ids).size).toBe(4);
    expect(ids.filter((id, index) => index > 0 && id !== ids[index - 1]).length).toBe(3);
  });

  it("reads the catalog a page at a time: one chunk per page, the same file", async () => {
    const reader = inventoryCsvStream(SANDBOX_SHOP_DOMAIN, { pageSize: 1 }).getReader();
    const chunks: string[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(new TextDecoder("utf-8", { ignoreBOM: true }).decode(next.value));
    // The header, then one chunk per item (4 items, a page of 1 each).
    expect(chunks).toHaveLength(5);
    expect(chunks.slice(1).every((chunk) => chunk.split("\r\n").length - 1 === 7)).toBe(true);
  });
});

describe("inventory bulk edit", () => {
  const ids = async () => {
    const page = await callLoader(harness, inventoryLoader, "/app/inventory");
    return new Map<string, string>(page.data.items.map((item: { title: string; inventoryItemId: string }) => [item.title, item.inventoryItemId]));
  };
  const bulk = async (inventoryItemIds: string[], form: { kind: string; location: string; units: string }) =>
    callAction(harness, inventoryAction, "/app/inventory", { intent: "bulk-exception", inventoryItemIds: JSON.stringify(inventoryItemIds), ...form });

  it("refuses items without a SKU and invalid numbers with clear problems, and saves nothing", async () => {
    const byTitle = await ids();
    const noSku = await bulk([byTitle.get("Sticker / Round")!, byTitle.get('Gold "Lucky", Ring / 7')!], { kind: "safety_stock", location: "", units: "3" });
    expect(noSku.status).toBe(422);
    expect(noSku.data.problems).toEqual(["Sticker / Round has no SKU, and exceptions name items by SKU: give it a SKU in Shopify, or add a rule for its product on the Rules page"]);

    const negative = await bulk([byTitle.get('Gold "Lucky", Ring / 7')!], { kind: "safety_stock", location: "Mars", units: "-1" });
    expect(negative.data.problems).toEqual(['RING-7: Location unknown location "Mars"', "RING-7: Units must not be negative, got -1"]);
    const display = await bulk([byTitle.get('Gold "Lucky", Ring / 7')!], { kind: "display", location: "", units: "1" });
    expect(display.data.problems).toEqual(["Display units are kept at one store: choose a location"]);
    expect(await prisma.policyDraft.count()).toBe(0);
  });

  it("sets one exception per selected SKU in the draft, replacing the one already there", async () => {
    const byTitle = await ids();
    const selection = [byTitle.get('Gold "Lucky", Ring / 7')!, byTitle.get('=HYPERLINK("http://evil.example") / @home')!];
    const set = await bulk(selection, { kind: "safety_stock", location: "Warehouse", units: "2" });
    expect(set.status).toBe(302);
    expect(set.location).toBe("/app/rules?bulk=2");
    const draft = await prisma.policyDraft.findUniqueOrThrow({ where: { shop: SANDBOX_SHOP_DOMAIN } });
    // RING-7's published 4 at Warehouse becomes 2 (one rule per kind, SKU and location); -LEAD gets its first.
    expect(JSON.parse(draft.document).protection).toEqual([
      { kind: "safety_stock", sku: "RING-7", units: 2, location: "Warehouse" },
      { kind: "safety_stock", sku: "-LEAD", units: 2, location: "Warehouse" },
    ]);
    // Nothing reached the shop: the draft waits for Preview → Publish.
    const state = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot();
    const ring = state.variants.find((variant) => variant.sku === "RING-7")!;
    const warehouse = state.locations.find((location) => location.name === "Warehouse")!;
    expect(state.inventoryLevels.find((level) => level.inventoryItemId === ring.inventoryItemId && level.locationId === warehouse.id)!.quantities.safety_stock).toBe(4);
  });
});

describe("inventory search", () => {
  it("finds an item by its full name, product then variant, as the pages show it", async () => {
    const page = await callLoader(harness, inventoryLoader, `/app/inventory?q=${encodeURIComponent("Sticker / Square")}`);
    expect(page.data.items.map((item: { title: string; sku: string }) => [item.title, item.sku])).toEqual([["Sticker / Square", ""]]);
    // Days of supply with no sales recorded: no recent sales, never infinite days.
    expect(page.data.items[0].supply).toMatchObject({ text: "No recent sales", rate: null });
  });

  it("shows days of supply from the week's sales: the largest channel number ÷ units a day", async () => {
    const ring = (await callLoader(harness, inventoryLoader, "/app/inventory?q=RING-7")).data.items[0];
    // 14 units sold in the last 7 days = 2 a day; Point of Sale's 8 is the largest channel number → 4 days.
    const yesterday = new Date(Date.now() - 86_400_000);
    await prisma.saleEvent.createMany({
      data: [9, 5].map((quantity, i) => ({ shop: SANDBOX_SHOP_DOMAIN, orderId: `o${i}`, lineItemId: `l${i}`, inventoryItemId: ring.inventoryItemId, sku: "RING-7", channel: "pos", quantity, occurredAt: yesterday })),
    });
    const after = (await callLoader(harness, inventoryLoader, "/app/inventory?q=RING-7")).data.items[0];
    expect(after.supply).toEqual({ sellable: 8, text: "4 days", rate: "2 a day", days: 4 });
  });
});
