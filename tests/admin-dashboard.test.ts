/** Overview charts from recorded sales, lag samples, levels and paused channels (hand-computed figures). */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loadDashboardCharts } from "~/services/dashboard-charts.server";

const SHOP = "dashboard.myshopify.com";
const NOW = new Date("2026-11-30T12:30:00Z");

describe("overview charts", () => {
  it("sales per day, median lag per hour, days of supply and paused channels with their reason", async () => {
    const sale = (id: string, item: string, sku: string, quantity: number, at: string) => ({ shop: SHOP, orderId: id, lineItemId: id, inventoryItemId: item, sku, channel: "online_store", quantity, occurredAt: new Date(at) });
    await prisma.saleEvent.createMany({
      data: [
        // RING-7: 14 units in 7 days = 2 a day; the Online Store lists 3 (its largest channel number) → runs out in 1.5 days.
        sale("1", "item-ring", "RING-7", 7, "2026-11-30T09:00:00Z"),
        sale("2", "item-ring", "RING-7", 7, "2026-11-28T09:00:00Z"),
        // MUG: 7 units = 1 a day; 100 available → 100 days, not at risk.
        sale("3", "item-mug", "MUG-WHT", 7, "2026-11-29T09:00:00Z"),
      ],
    });
    await prisma.levelState.createMany({
      data: [
        { shop: SHOP, inventoryItemId: "item-ring", locationId: "a", quantities: "{}", protected: 0, available: 2 },
        { shop: SHOP, inventoryItemId: "item-ring", locationId: "b", quantities: "{}", protected: 0, available: 1 },
        { shop: SHOP, inventoryItemId: "item-mug", locationId: "a", quantities: "{}", protected: 0, available: 100 },
      ],
    });
    await prisma.lagSample.createMany({
      data: [
        { shop: SHOP, kind: "receive", millis: 100, at: new Date("2026-11-30T11:10:00Z") },
        { shop: SHOP, kind: "receive", millis: 300, at: new Date("2026-11-30T11:20:00Z") },
        { shop: SHOP, kind: "write", millis: 900, at: new Date("2026-11-30T11:30:00Z") },
      ],
    });
    const pausedLine = JSON.stringify([{ rule: "pause_below", scope: "marketplace", units: 2, reason: "paused: 2 left is under the threshold of 5" }]);
    await prisma.channelState.createMany({
      data: [
        { shop: SHOP, inventoryItemId: "item-ring", channel: "marketplace", available: 0, paused: true, explain: pausedLine },
        { shop: SHOP, inventoryItemId: "item-ring", channel: "online_store", available: 3, paused: false, explain: "[]" },
        { shop: SHOP, inventoryItemId: "item-mug", channel: "marketplace", available: 0, paused: true, explain: "[]" },
        { shop: SHOP, inventoryItemId: "item-mug", channel: "online_store", available: 100, paused: false, explain: "[]" },
      ],
    });

    await prisma.catalogItem.create({ data: { shop: SHOP, inventoryItemId: "item-ring", variantId: "v-ring", productId: "p-ring", sku: "RING-7", productTitle: "Gold Ring", variantTitle: "7" } });

    const charts = await loadDashboardCharts(SHOP, NOW);
    expect(charts.soldByDay).toEqual([
      { label: "11-24", value: 0 },
      { label: "11-25", value: 0 },
      { label: "11-26", value: 0 },
      { label: "11-27", value: 0 },
      { label: "11-28", value: 7 },
      { label: "11-29", value: 7 },
      { label: "11-30", value: 7 },
    ]);
    // Samples 100, 300, 900 in the 11:00 hour: the median is 300 ms.
    expect(charts.lagByHour.at(-2)).toEqual({ label: "11h", value: 300, text: "0.3 s" });
    expect(charts.lagByHour.at(-1)).toEqual({ label: "12h", value: null, text: "no samples" });
    expect(charts.atRisk).toEqual([{ item: "item-ring", sku: "RING-7", title: "Gold Ring / 7", available: 3, perDay: 2, daysOfSupply: 1.5, daysText: "1 day", rateText: "2 a day" }]);
    expect(charts.pausedChannels).toEqual([{ channel: "marketplace", count: 2, reason: "paused: fewer than 5 left" }]);
  });

  it("counts sales by the shop's own days and labels hours on its clock", async () => {
    const shop = "dashboard-new-york.myshopify.com";
    await prisma.shopInstallation.create({ data: { shop, ianaTimezone: "America/New_York" } });
    // 2026-11-30 02:00Z is Nov 29, 9:00 PM EST: a Sunday-evening sale in New York, not a Monday one.
    await prisma.saleEvent.create({ data: { shop, orderId: "ny-1", lineItemId: "ny-1", inventoryItemId: "item-ny", sku: "NY-1", channel: "online_store", quantity: 4, occurredAt: new Date("2026-11-30T02:00:00Z") } });
    await prisma.lagSample.create({ data: { shop, kind: "receive", millis: 200, at: new Date("2026-11-30T11:10:00Z") } });

    const charts = await loadDashboardCharts(shop, NOW);
    // NOW is 12:30Z = 7:30 AM EST on Nov 30: the last 7 New York days are Nov 24–30.
    expect(charts.soldByDay.map((day) => day.label)).toEqual(["11-24", "11-25", "11-26", "11-27", "11-28", "11-29", "11-30"]);
    expect(charts.soldByDay.find((day) => day.label === "11-29")?.value).toBe(4);
    expect(charts.soldByDay.find((day) => day.label === "11-30")?.value).toBe(0);
    // The 11:00Z hour is 6 AM in New York.
    expect(charts.lagByHour.at(-2)).toEqual({ label: "06h", value: 200, text: "0.2 s" });
  });
});
