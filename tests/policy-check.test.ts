/**
 * One policy check for every way a policy comes in: the rules editor's draft, its preview, the
 * Policy page's import, Publish and the CSV import of exceptions all answer the same problems for
 * the same document, through the page routes with the emulated shop behind msw. The shop is the
 * sandbox's seed (sandbox/shop/README.md): Warehouse fulfils online orders, Soho store and
 * Brooklyn store do not; channels online_store, point_of_sale, marketplace, wholesale.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as policyAction } from "~/routes/app.policy";
import { action as rulesAction, loader as rulesLoader } from "~/routes/app.rules";
import { action as csvAction } from "~/routes/app.rules_.import";
import { publishPolicy } from "~/services/policy.server";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";

let harness: Harness;

beforeAll(async () => {
  harness = startHarness();
  await harness.install();
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

// The online store's orders are routed only to locations that fulfil online orders
// (docs/decisions/007): Soho store can never fill them.
const STORE_FOR_ONLINE = { version: 1, protection: [], channels: [{ channel: "online_store", locations: ["Warehouse", "Soho store"] }] };
const REACH_PROBLEM = { path: "channels[0].locations[1]", message: "Soho store does not fulfil online orders, so online_store orders can never be filled from it" };

async function versionsPublished() {
  return prisma.policyVersion.count({ where: { shop: SANDBOX_SHOP_DOMAIN } });
}

describe("one policy check", () => {
  it("a channel drawing from a location that cannot fill its orders is refused by the editor, the preview, the import and Publish alike", async () => {
    const saved = await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: JSON.stringify(STORE_FOR_ONLINE) });
    expect(saved.data.problems).toEqual([REACH_PROBLEM]);
    expect((await callLoader(harness, rulesLoader, "/app/rules")).data.problems).toEqual([REACH_PROBLEM]);

    const preview = await callAction(harness, rulesAction, "/app/rules", { intent: "preview", document: JSON.stringify(STORE_FOR_ONLINE) });
    expect(preview.status).toBe(422);
    expect(preview.data.problems).toEqual([REACH_PROBLEM]);
    expect(await prisma.policyPreview.count()).toBe(0);

    const imported = await callAction(harness, policyAction, "/app/policy", { policy: JSON.stringify(STORE_FOR_ONLINE) });
    expect(imported.status).toBe(422);
    expect(imported.data.problems).toEqual([REACH_PROBLEM]);
    expect(await publishPolicy(SANDBOX_SHOP_DOMAIN, STORE_FOR_ONLINE, { createdBy: "test" })).toEqual({ ok: false, problems: [REACH_PROBLEM] });
    expect(await versionsPublished()).toBe(0);
  });

  it("Point of Sale may draw from the stores: the same locations pass for it", async () => {
    const pos = { version: 1, protection: [], channels: [{ channel: "point_of_sale", locations: ["Soho store", "Brooklyn store"] }] };
    const saved = await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: JSON.stringify(pos) });
    expect(saved.data.problems).toEqual([]);
  });

  it("refuses a unit count above Shopify's quantity limit before it withholds everything", async () => {
    // Shopify refuses quantities above 1,000,000,000 (shared/SHOPIFY-CONFORMANCE.md §2).
    const huge = { version: 1, protection: [{ kind: "safety_stock", units: 1e21 }], channels: [] };
    const saved = await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: JSON.stringify(huge) });
    expect(saved.data.problems).toEqual([{ path: "protection[0].units", message: "must be at most 1000000000 units, got 1e+21" }]);
    const imported = await callAction(harness, policyAction, "/app/policy", { policy: JSON.stringify(huge) });
    expect(imported.status).toBe(422);
    expect(imported.data.problems).toEqual(saved.data.problems);
    expect(await versionsPublished()).toBe(0);
  });

  it("refuses a 10 MB draft and a 100,000-deep nesting with a clear problem, not a server error", async () => {
    const big = JSON.stringify({ version: 1, protection: [], channels: [], note: "x".repeat(10_000_000) });
    const tooBig = await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: big });
    expect(tooBig.status).toBe(413);
    expect(tooBig.data.problems[0].path).toBe("draft");
    const tooBigImport = await callAction(harness, policyAction, "/app/policy", { policy: big });
    expect(tooBigImport.status).toBe(413);

    const deep = `{"version":1,"protection":[${"[".repeat(100_000)}${"]".repeat(100_000)}]}`;
    const tooDeep = await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: deep });
    expect(tooDeep.status).toBe(422);
    expect(tooDeep.data.problems).toEqual([{ path: "draft", message: "nests lists and objects more than 8 deep" }]);
    const tooDeepImport = await callAction(harness, policyAction, "/app/policy", { policy: deep });
    expect(tooDeepImport.status).toBe(422);
    expect(tooDeepImport.data.problems).toEqual([{ path: "policy", message: "nests lists and objects more than 8 deep" }]);
    expect(await versionsPublished()).toBe(0);
  });

  it("the CSV import of exceptions refuses a unit count above the limit, by row", async () => {
    await callAction(harness, rulesAction, "/app/rules", { intent: "discard" });
    const csv = "kind,applies_to,value,location,units\nsafety_stock,sku,RING-7,Warehouse,2000000000\n";
    const refused = await callAction(harness, csvAction, "/app/rules/import", { csv });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([{ row: 2, message: "units: must be at most 1000000000 units, got 2000000000" }]);
  });

  it("the CSV import refuses rows that would take the draft past 10,000 rules, and leaves the draft as it was", { timeout: 30_000 }, async () => {
    const draft = { version: 1, protection: Array.from({ length: 6_000 }, (_, i) => ({ kind: "safety_stock", units: 1, tag: `draft-${i}` })), channels: [] };
    expect((await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: JSON.stringify(draft) })).data.problems).toEqual([]);
    const rows = Array.from({ length: 4_001 }, (_, i) => `safety_stock,tag,csv-${i},,1`);
    const csv = ["kind,applies_to,value,location,units", ...rows].join("\n");
    const refused = await callAction(harness, csvAction, "/app/rules/import", { csv });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([{ row: null, message: "the draft would have too many rules: lists 10001 entries; at most 10000" }]);
    expect((await callLoader(harness, rulesLoader, "/app/rules")).data.document).toEqual(draft);
  });
});
