/**
 * The Inventory page's item list on a real shop's catalog (the sandbox's realistic seed,
 * sandbox/shop/README.md): items Safestock leaves alone and items Shopify keeps selling at 0 must
 * not read as sold out. Seeded available, [Warehouse, Soho, Brooklyn]: Gift Wrap (untracked)
 * [0, 0, 0], Gift Card $25 (untracked gift card) [0, 0, 0], Care Guide (PDF) (does not ship)
 * [100, 0, 0], Ceramic Planter Large (preorder, CONTINUE) [0, 0, 0]. Expected words come from
 * docs/decisions/034 (left alone: no numbers of its own) and Shopify's CONTINUE policy (sells on).
 * Ceramic Mug / White (MUG-WHT) is published on Online Store and Point of Sale only (the seed's
 * `channels`): Marketplace and Wholesale are channels it does not sell on.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loader as exportLoader } from "~/routes/app.inventory_.export";
import { loader as inventoryLoader } from "~/routes/app.inventory";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";

let harness: Harness;

beforeAll(async () => {
  harness = startHarness({ seed: "realistic" });
  await harness.install();
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

interface ListedItem {
  sku: string;
  title: string;
  supply: { sellable: number | null; text: string };
  channels: { channel: string; published: boolean; available: number }[];
}

async function listed(query: string): Promise<ListedItem[]> {
  const page = await callLoader(harness, inventoryLoader, `/app/inventory?q=${encodeURIComponent(query)}`);
  expect(page.status).toBe(200);
  return page.data.items;
}

describe("Inventory list on a realistic catalog", () => {
  it("an untracked item, a gift card and a digital good show no number and say they are left alone, not sold out", async () => {
    for (const [query, title] of [["GIFT-WRAP", "Gift Wrap"], ["GIFT-25", "Gift Card / $25"], ["GUIDE-PDF", "Care Guide (PDF)"]] as const) {
      const item = (await listed(query)).find((entry) => entry.title === title);
      expect(item, title).toBeDefined();
      expect(item!.supply, title).toMatchObject({ sellable: null, text: "Left alone" });
    }
  });

  it("a preorder with nothing on hand keeps selling, on the page and in the export", async () => {
    const planter = (await listed("PLANTER-L")).find((entry) => entry.title === "Ceramic Planter / Large (preorder)");
    expect(planter!.supply).toMatchObject({ sellable: 0, text: "Keeps selling as preorders or backorders" });

    const file = await callLoader(harness, exportLoader, "/app/inventory/export");
    expect(file.status).toBe(200);
    const rows = String(file.data).split("\r\n").filter((line) => line.includes(",PLANTER-L,"));
    // 3 locations + 4 channels (the seed's), each with the item's days of supply last.
    expect(rows).toHaveLength(7);
    for (const row of rows) expect(row.endsWith(",Keeps selling as preorders or backorders,,yes")).toBe(true);
  });

  it("the export lists every variant, items left alone included, with a column saying why", async () => {
    const file = await callLoader(harness, exportLoader, "/app/inventory/export");
    expect(file.status).toBe(200);
    // The shop's own records as the reference: every variant it has, by inventory item.
    const variants = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot().variants;
    const lines = String(file.data).replace(/^\uFEFF/, "").split("\r\n").filter((line) => line !== "");
    const [header, ...rows] = lines;
    expect(new Set(rows.map((row) => row.split(",")[0]))).toEqual(new Set(variants.map((variant) => variant.inventoryItemId)));
    expect(header!.split(",").slice(-3)).toEqual(["days_of_supply", "left_alone", "keeps_selling"]);
    // One row each, no numbers of their own, the Inventory page's words (docs/decisions/034). The
    // SKUs and titles of these three hold no comma or quote, so a plain split reads them.
    const leftAlone = {
      "GIFT-WRAP": "Left alone: Shopify does not track this item's inventory, so it never sells out. Turn on \"Track quantity\" to protect it.",
      "GIFT-25": "Left alone: gift cards have no stock to protect.",
      "GUIDE-PDF": "Left alone: this item does not ship (a digital good or service), so no location's stock is at risk.",
    };
    for (const [sku, why] of Object.entries(leftAlone)) {
      const itemRows = rows.filter((row) => row.split(",")[1] === sku);
      expect(itemRows, sku).toHaveLength(1);
      const quotedWhy = `"${why.replaceAll('"', '""')}"`;
      expect(itemRows[0]!.endsWith(`,item,,,,,,,Left alone,${why.includes(",") || why.includes('"') ? quotedWhy : why},no`), `${sku}: ${itemRows[0]}`).toBe(true);
    }
  });

  it("a product not published on a channel shows no number for it, on the page and in the export", async () => {
    const mug = (await listed("MUG-WHT")).find((entry) => entry.title === "Ceramic Mug / White")!;
    expect(Object.fromEntries(mug.channels.map((channel) => [channel.channel, channel.published]))).toEqual({
      "Online Store": true,
      "Point of Sale": true,
      Marketplace: false,
      Wholesale: false,
    });

    const file = await callLoader(harness, exportLoader, "/app/inventory/export");
    const channelRows = String(file.data)
      .split("\r\n")
      .filter((line) => line.includes(",MUG-WHT,") && line.includes(",channel,"))
      .map((line) => line.split(",").slice(5, 11).join(","));
    expect(channelRows.filter((row) => row.startsWith("Marketplace,") || row.startsWith("Wholesale,")).sort()).toEqual([
      "Marketplace,,,,,Not published on this channel in Shopify",
      "Wholesale,,,,,Not published on this channel in Shopify",
    ]);
  });
});
