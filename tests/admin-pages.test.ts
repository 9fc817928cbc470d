/**
 * Loaders and actions of the remaining admin pages, authenticated through the library, with the
 * emulated shop behind msw: CSV import of exceptions (all or nothing, problems by row) and every
 * existing page answering for an installed shop. RING-7's paused-channel line and numbers come
 * from the sandbox seed (sandbox/shop/README.md).
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loader as overviewLoader } from "~/routes/app._index";
import { loader as activityLoader } from "~/routes/app.activity";
import { loader as inventoryLoader } from "~/routes/app.inventory";
import { loader as exportLoader } from "~/routes/app.policy.export";
import { action as policyAction, loader as policyLoader } from "~/routes/app.policy";
import { action as rulesAction, loader as rulesLoader } from "~/routes/app.rules";
import { action as importAction, loader as importLoader } from "~/routes/app.rules_.import";
import { action as syncAction, loader as syncLoader } from "~/routes/app.sync";
import { loader as webhooksLoader } from "~/routes/app.webhooks";
import { sandboxHandlers } from "../sandbox";
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

describe("CSV import of exceptions", () => {
  it("offers a template whose header the importer accepts", async () => {
    const page = await callLoader(harness, importLoader, "/app/rules/import");
    expect(page.data.template.split("\n")[0]).toBe("kind,applies_to,value,location,units");
  });

  it("applies nothing when one row is bad, and lists the problems by row", async () => {
    const csv = ["kind,applies_to,value,location,units", "safety_stock,sku,RING-7,Warehouse,4", "safety_stock,sku,NOPE-1,,2", "display,tag,bestseller,Soho store,1", "safety_stock,sku,RING-8,Mars,-1"].join("\n");
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([
      { row: 3, message: 'value: unknown SKU "NOPE-1"' },
      { row: 4, message: "display units are per SKU: applies_to must be sku" },
      { row: 5, message: 'location: unknown location "Mars"' },
      { row: 5, message: "units: must not be negative, got -1" },
    ]);
    // Once the shape is right, the engine names the rest.
    const engine = await callAction(harness, importAction, "/app/rules/import", { csv: ["kind,applies_to,value,location,units", "safety_stock,sku,RING-7,Warehouse,4", "safety_stock,sku,RING-8,Mars,-1"].join("\n") });
    expect(engine.data.problems).toEqual([
      { row: 3, message: 'location: unknown location "Mars"' },
      { row: 3, message: "units: must not be negative, got -1" },
    ]);
    expect(await prisma.policyDraft.count()).toBe(0);
  });

  it("a row with a wrong kind or applies_to still reports every other problem it has, and says what could not be checked", async () => {
    const csv = [
      "kind,applies_to,value,location,units",
      "bogus,sku,,NOPE,-3",
      "bogus,sku,NOPE-1,,-3",
      "safety_stock,nope,RING-7,Warehouse,x",
      "display,tag,bestseller,,1",
    ].join("\n");
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([
      { row: 2, message: 'kind must be safety_stock or display, got "bogus"' },
      { row: 2, message: "value: is empty; a variant without a SKU cannot be named by SKU: give it a SKU in Shopify, or use applies_to product or tag" },
      { row: 2, message: 'location: unknown location "NOPE"' },
      { row: 2, message: "units: must not be negative, got -3" },
      { row: 3, message: 'kind must be safety_stock or display, got "bogus"' },
      // Display units need a location, safety stock does not: without the kind, an empty one is neither right nor wrong.
      { row: 3, message: "could not be checked until kind is fixed: whether a location is needed (display units are kept at one store)" },
      { row: 3, message: 'value: unknown SKU "NOPE-1"' },
      { row: 3, message: "units: must not be negative, got -3" },
      { row: 4, message: 'applies_to must be sku, product or tag, got "nope"' },
      { row: 4, message: 'could not be checked until applies_to is fixed: whether "RING-7" is in your catalog (that depends on applies_to)' },
      { row: 4, message: 'units: must be a whole number of units, got "x"' },
      { row: 5, message: "display units are per SKU: applies_to must be sku" },
      { row: 5, message: "location: is required" },
    ]);
    expect(await prisma.policyDraft.count()).toBe(0);
  });

  it("a row repeating another rule names that row of the file, or the draft, not a place in the policy file", async () => {
    const draft = ["kind,applies_to,value,location,units", "safety_stock,sku,RING-7,Warehouse,4"].join("\n");
    expect((await callAction(harness, importAction, "/app/rules/import", { csv: draft })).status).toBe(302);
    // Row 2 repeats the draft's rule (same kind, SKU and location), row 4 repeats row 3 of this file.
    const csv = ["kind,applies_to,value,location,units", "safety_stock,sku,RING-7,Warehouse,5", "safety_stock,tag,bestseller,,2", "safety_stock,tag,bestseller,,3"].join("\n");
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([
      { row: 2, message: "same kind and scope as a rule already in the draft (see Rules); keep one" },
      { row: 4, message: "same kind and scope as row 3; keep one" },
    ]);
    await prisma.policyDraft.deleteMany();
  });

  it("adds every row of a good file to the draft", async () => {
    const csv = ["kind,applies_to,value,location,units", "safety_stock,sku,RING-7,Warehouse,4", '"safety_stock","tag","bestseller","",2'].join("\r\n");
    const imported = await callAction(harness, importAction, "/app/rules/import", { csv });
    expect(imported.status).toBe(302);
    expect(imported.location).toContain("/app/rules?imported=2");
    const rules = await callLoader(harness, rulesLoader, "/app/rules");
    expect(rules.data.document.protection).toEqual([
      { kind: "safety_stock", sku: "RING-7", units: 4, location: "Warehouse" },
      { kind: "safety_stock", tag: "bestseller", units: 2 },
    ]);
    expect(rules.data.problems).toEqual([]);
  });

  it("refuses a file without the header", async () => {
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv: "sku,units\nRING-7,4" });
    expect(refused.data.problems).toEqual([{ row: 1, message: "the first line must be the header kind,applies_to,value,location,units" }]);
  });

  it("refuses a file with the header and no rows, leaving the draft as it was", async () => {
    // The template's header with its example rows deleted: a merchant expects "nothing to import",
    // not "0 exceptions imported" and a draft saved again.
    const before = await prisma.policyDraft.findMany();
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv: "kind,applies_to,value,location,units\n\n" });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([{ row: 2, message: "no exceptions below the header: add one per line, as in the template" }]);
    expect(await prisma.policyDraft.findMany()).toEqual(before);
  });
});

describe("CSV import: problems of the whole file name no row", () => {
  const HEADER = "kind,applies_to,value,location,units";
  const tagRows = (count: number, prefix: string) => Array.from({ length: count }, (_, index) => `safety_stock,tag,${prefix}-${index},,1`);

  it("a file of more than 5000 rows: the file is refused, not row 1 (the header, which is fine)", async () => {
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv: [HEADER, ...tagRows(5001, "many")].join("\n") });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([{ row: null, message: "at most 5000 rows per file" }]);
  });

  it("a file over the 8 MB form limit: answered 413 for the file, not row 1", async () => {
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv: `${HEADER}\n${"x".repeat(8_000_001)}` });
    expect(refused.status).toBe(413);
    expect(refused.data.problems).toEqual([{ row: null, message: "the file is too large (more than 8000000 bytes)" }]);
  });

  it("rows that would take the draft past 10000 rules: the file is refused, not row 1", { timeout: 60_000 }, async () => {
    const draftBefore = async () => (await prisma.policyDraft.findMany()).map((draft) => draft.document);
    // Two files of 5000 fit (the draft holds the earlier tests' rules and these 10000 would not).
    const first = await callAction(harness, importAction, "/app/rules/import", { csv: [HEADER, ...tagRows(5000, "first")].join("\n") });
    expect(first.status).toBe(302);
    const before = await draftBefore();
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv: [HEADER, ...tagRows(5000, "second")].join("\n") });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([{ row: null, message: expect.stringMatching(/^the draft would have too many rules: lists \d+ entries; at most 10000$/) }]);
    expect(await draftBefore()).toEqual(before);
    await callAction(harness, rulesAction, "/app/rules", { intent: "discard" });
  });
});

describe("every page answers for an installed shop", () => {
  it("Overview, Inventory, Activity, Sync, Policy, export and webhook deliveries", async () => {
    const overview = await callLoader(harness, overviewLoader, "/app");
    expect(overview.status).toBe(200);
    expect(overview.data.installation.initialSync).toBe("done");

    const published = await callAction(harness, policyAction, "/app/policy", {
      policy: JSON.stringify({ version: 1, protection: [], channels: [{ channel: "wholesale", pauseBelow: 100 }] }),
      note: "wholesale only for big stock",
    });
    expect(published.data).toMatchObject({ ok: true, version: 1 });
    await harness.settle();

    const inventory = await callLoader(harness, inventoryLoader, "/app/inventory?q=RING-8");
    expect(inventory.status).toBe(200);
    const ring8 = inventory.data.items.find((item: { sku: string }) => item.sku === "RING-8");
    // RING-8's one unit is at Soho, which does not fulfil online orders: wholesale's pool is 0, it is
    // paused by its threshold, and says both.
    const wholesale = ring8.channels.find((channel: { channel: string }) => channel.channel === "Wholesale");
    expect(wholesale).toMatchObject({ paused: true, available: 0 });
    expect(wholesale.explain).toEqual([
      "pool 0 at Warehouse; Brooklyn store and Soho store do not fulfil online orders",
      "Paused: 0 left is under the threshold of 100",
    ]);
    // The grey scarf keeps selling when out of stock (inventoryPolicy CONTINUE): its numbers say so.
    const empty = (await callLoader(harness, inventoryLoader, "/app/inventory?q=SCARF-GRY")).data.items[0];
    expect(empty.continueSelling).toBe(true);
    expect(empty.channels.find((channel: { channel: string }) => channel.channel === "Wholesale").explain).toEqual([
      "pool 0 at Warehouse; Brooklyn store and Soho store do not fulfil online orders",
      "keeps selling when out of stock: checkout never blocks it, and sales past this number are backorders, not oversells",
      "Paused: 0 left is under the threshold of 100",
    ]);

    const activity = await callLoader(harness, activityLoader, "/app/activity");
    expect(activity.status).toBe(200);
    expect(activity.data.entries.some((entry: { reason: string }) => entry.reason === "Published policy v1: wholesale only for big stock")).toBe(true);

    expect((await callLoader(harness, syncLoader, "/app/sync")).status).toBe(200);
    expect((await callAction(harness, syncAction, "/app/sync", { intent: "reconcile" })).status).toBe(200);
    expect((await callLoader(harness, policyLoader, "/app/policy")).data.current.version).toBe(1);
    const exported = await callLoader(harness, exportLoader, "/app/policy/export");
    expect(exported.status).toBe(200);
    expect(exported.data).toMatchObject({ version: 1 });
    expect((await callLoader(harness, webhooksLoader, "/app/webhooks")).status).toBe(200);
  });
});

describe("Activity: Filter by SKU", () => {
  it("finds a SKU's changes typed in any case (ring-8 → RING-8), still the whole SKU only", async () => {
    // The earlier test's policy paused wholesale for RING-8, which Activity records under its SKU.
    const exact = (await callLoader(harness, activityLoader, "/app/activity?sku=RING-8")).data;
    expect(exact.entries.length).toBeGreaterThan(0);
    const lower = (await callLoader(harness, activityLoader, "/app/activity?sku=ring-8")).data;
    expect(lower.entries.map((entry: { id: string }) => entry.id)).toEqual(exact.entries.map((entry: { id: string }) => entry.id));
    expect(new Set(lower.entries.map((entry: { sku: string }) => entry.sku))).toEqual(new Set(["RING-8"]));
    // Part of a SKU is not a match (the empty state says so).
    expect((await callLoader(harness, activityLoader, "/app/activity?sku=ring-")).data.entries).toEqual([]);
  });
});
