/**
 * The engine's explanations name times in the shop's own zone (Shopify's `Shop.ianaTimezone`,
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/Shop#field-ianaTimezone), as every
 * other time in the app does, not in UTC ISO. The emulated shop is in America/New_York (EST, UTC−5
 * after Nov 3, 2030) and holds RING-7 with [8, 3, 1] units at Warehouse, Soho store and Brooklyn
 * store. A quarantine of 2 takes its units from locations by name (app/domain/protection.ts):
 * Brooklyn store's 1, then 1 of Soho store's 3. Its first wave is spelled at UTC−4
 * (05:00−04:00 = 09:00 UTC) on purpose: the page names it on the shop's clock, 4:00 AM EST.
 * Expected texts are hand-written from those figures.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loader as activityLoader } from "~/routes/app.activity";
import { loader as exportLoader } from "~/routes/app.inventory_.export";
import { loader as inventoryLoader } from "~/routes/app.inventory";
import { loader as previewLoader } from "~/routes/app.preview";
import { action as rulesAction } from "~/routes/app.rules";
import { publishPolicy } from "~/services/policy.server";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";
import { twinsShopFactory } from "./support/twins-shop";

/** Brooklyn store's and Soho store's one line each: 1 unit of the 2 held. */
const REASON = "1 unit withheld for a promotion (2 held across locations; next 1 released Nov 24, 2030, 4:00 AM EST)";

let harness: Harness;

beforeAll(async () => {
  harness = startHarness({ timeZone: "America/New_York", createShop: twinsShopFactory([{ title: "Ring", variants: [{ title: "7", sku: "RING-7", available: [8, 3, 1] }] }]) });
  await harness.install();
  await harness.settle();
  const published = await publishPolicy(
    SANDBOX_SHOP_DOMAIN,
    { version: 1, protection: [{ kind: "quarantine", skus: ["RING-7"], units: 2, releases: [{ at: "2030-11-24T05:00:00-04:00", units: 1 }, { at: "2030-12-01T15:30:00Z", units: 1 }] }], channels: [] },
    { createdBy: "test" },
  );
  if (!published.ok) throw new Error(JSON.stringify(published.problems));
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

describe("a release wave's time in the explanations, on the shop's clock", () => {
  it("Inventory says when the next wave is released in the shop's zone", async () => {
    const page = await callLoader(harness, inventoryLoader, "/app/inventory?q=RING-7");
    expect(page.status).toBe(200);
    const levels = page.data.items[0].levels as { location: string; protected: number; explain: string[] }[];
    expect(levels.map((level) => [level.location, level.protected, level.explain])).toEqual([
      ["Brooklyn store", 1, [REASON]],
      ["Soho store", 1, [REASON]],
      ["Warehouse", 0, []],
    ]);
  });

  it("the CSV export's why column says the same; its other columns are unchanged", async () => {
    const request = new Request(new URL("/app/inventory/export", process.env.SHOPIFY_APP_URL), { headers: { Authorization: `Bearer ${harness.sandbox.mintSessionToken(SANDBOX_SHOP_DOMAIN)}` } });
    const text = await (await exportLoader({ request, params: {}, context: {} })).text();
    // No field here holds a comma, quote or line break but the why text, which holds commas: quoted.
    expect(text).toContain(`,location,Brooklyn store,1,1,0,,"${REASON}",`);
    expect(text).toContain(`,location,Soho store,3,1,2,,"${REASON}",`);
    expect(text).not.toContain("2030-11-24T");
  });

  it("Activity's record of the write reads the same time", async () => {
    const page = await callLoader(harness, activityLoader, "/app/activity?sku=RING-7");
    const reasons = (page.data.entries as { reason: string; where: string | null }[]).filter((entry) => entry.where === "Brooklyn store").map((entry) => entry.reason);
    expect(reasons).toContain(REASON);
    expect(reasons.join(" ")).not.toContain("2030-11-24T");
  });

  it("Preview names the wave's time on the shop's clock, before and after", async () => {
    // The draft holds 3 (first wave 2): Brooklyn store's 1, then 2 of Soho store's 3.
    const draft = { version: 1, protection: [{ kind: "quarantine", skus: ["RING-7"], units: 3, releases: [{ at: "2030-11-24T09:00:00Z", units: 2 }, { at: "2030-12-01T15:30:00Z", units: 1 }] }], channels: [] };
    const started = await callAction(harness, rulesAction, "/app/rules", { intent: "preview", document: JSON.stringify(draft) });
    expect(started.status).toBe(302);
    const id = new URL(started.location!, "http://x").searchParams.get("id")!;
    const preview = await callLoader(harness, previewLoader, `/app/preview?id=${id}&sku=RING-7`);
    expect(preview.data.status).toBe("done");
    const after = "2 units withheld for a promotion (3 held across locations; next 2 released Nov 24, 2030, 4:00 AM EST)";
    const soho = { kind: "protected", where: "Soho store", before: 1, after: 2, reasonsBefore: [REASON], reasonsAfter: [after] };
    expect(preview.data.summary.biggest).toContainEqual(expect.objectContaining(soho));
    expect(preview.data.drillDown.changes).toContainEqual(expect.objectContaining(soho));
  });
});
