/**
 * "Bad input gets a clear error and loses nothing", for the admin pages: fast-check sends each
 * page's action hostile forms (empty, negative, huge, non-numeric, unicode, impossible dates,
 * unknown names and ids, odd intents) mixed with valid values, sometimes over a rules draft the
 * merchant saved mid-edit that is no list of rules ("1", `{"protection": 5}`), and each loader
 * odd query strings. Invariants any correct answer satisfies, written here, never read from the app:
 * - the status is never 5xx and nothing is thrown;
 * - a refusal (4xx) names the problem in words: no stack, no "undefined"/"NaN"/"[object Object]"
 *   the merchant did not type;
 * - after a refusal the draft, the policy versions, the settings, the customer holds and the audit
 *   log are exactly as before;
 * - saved settings are the numbers submitted (none dropped).
 * Seeds are fixed and printed by fast-check on a failure.
 */
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as channelsAction } from "~/routes/app.channels";
import { action as holdsAction, loader as holdsLoader } from "~/routes/app.holds";
import { loader as catalogSearchLoader } from "~/routes/app.catalog-search";
import { action as inventoryAction, loader as inventoryLoader } from "~/routes/app.inventory";
import { loader as exportLoader } from "~/routes/app.inventory_.export";
import { action as policyAction, loader as policyLoader } from "~/routes/app.policy";
import { action as previewAction, loader as previewLoader } from "~/routes/app.preview";
import { action as rulesAction, loader as rulesLoader } from "~/routes/app.rules";
import { action as importAction } from "~/routes/app.rules_.import";
import { action as settingsAction, loader as settingsLoader } from "~/routes/app.settings";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader, type RouteAnswer } from "./support/admin-routes";
import { installedWithPolicy } from "./support/scenarios";
import type { Harness } from "./support/harness";

const SHOP = SANDBOX_SHOP_DOMAIN;
let harness: Harness;
let itemIds: string[] = [];

beforeAll(async () => {
  harness = await installedWithPolicy(SHOP);
  itemIds = (await prisma.catalogItem.findMany({ where: { shop: SHOP }, select: { inventoryItemId: true }, take: 3 })).map((item) => item.inventoryItemId);
}, 60_000);
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

/** Values a merchant (or a tampered form) may send; a few valid ones so that some edits pass. */
const HOSTILE = [
  "", " ", "-1", "0", "1", "3", "1.5", "1e309", "Infinity", "NaN", "0x10", "99999999999999999999999", "-99999999999999999999",
  "null", "undefined", "[object Object]", "__proto__", "constructor", "%", "\u0000", "💥", "ÅÄÖ ü", "a".repeat(3000),
  "RING-7", "Warehouse", "Soho store", "online_store", "marketplace", "gid://shopify/ProductVariant/1", "gid://shopify/InventoryItem/999999",
  "2099-01-01T10:00", "1970-01-01T00:00", "9999-99-99T99:99", "2026-02-31T10:00", "+275760-09-13T00:00:00Z", "2099-01-01T10:00:00Z",
  "[]", '["x"]', "{}", "[1,2]",
];
const hostile = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HOSTILE) }, fc.string({ maxLength: 24 }), fc.string({ unit: "binary", maxLength: 24 }));

/** Drafts a merchant may leave in the Rules editor mid-edit: saved as typed, not a list of rules. */
const ODD_DRAFTS = ["1", "[]", '"text"', "true", '{"protection":5}', '{"protection":[null]}', '{"channels":"x"}', '{"channels":[null]}', '{"version":1}'];

type Route = Parameters<typeof callLoader>[1];
interface FormCase {
  page: string;
  action: Route;
  fields: Record<string, fc.Arbitrary<string>>;
}

const oneOf = (...values: string[]) => fc.oneof(fc.constantFrom(...values), hostile);
const FORMS: FormCase[] = [
  {
    page: "settings",
    action: settingsAction,
    fields: Object.fromEntries(
      ["targetSyncLagSeconds", "reconcileEveryMinutes", "freezeAfterLagSeconds", "freezeLowStockBelow", "cartHoldMinutes", "lowStockCartHoldMinutes"].map((key) => [key, oneOf("30", "60", "120", "5")]),
    ),
  },
  { page: "holds", action: holdsAction, fields: { intent: oneOf("create", "extend", "release"), id: hostile, sku: oneOf("RING-7", "MUG-WHT"), location: oneOf("Warehouse"), units: oneOf("1", "2"), expiresAt: hostile, note: hostile } },
  { page: "channels", action: channelsAction, fields: { intent: oneOf("pause", "resume", "refresh"), channel: oneOf("marketplace", "online_store", "wholesale"), refreshSeconds: oneOf("15", "60"), ringFenceUnits: oneOf("", "2"), reason: hostile } },
  { page: "rules", action: rulesAction, fields: { intent: oneOf("save", "preview", "save"), document: fc.oneof(hostile, fc.constantFrom(...ODD_DRAFTS)) } },
  {
    page: "rules/import",
    action: importAction,
    fields: {
      csv: fc
        .array(fc.tuple(oneOf("safety_stock", "display"), oneOf("sku", "product", "tag"), oneOf("RING-7", "MUG-WHT"), oneOf("Warehouse", ""), oneOf("2", "4")), { maxLength: 4 })
        .map((rows) => ["kind,applies_to,value,location,units", ...rows.map((row) => row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(","))].join("\n")),
    },
  },
  { page: "policy", action: policyAction, fields: { intent: oneOf("import", "rollback"), policy: fc.oneof(hostile, fc.constantFrom(...ODD_DRAFTS)), note: hostile, version: oneOf("1", "0", "-1", "2") } },
  { page: "preview", action: previewAction, fields: { intent: oneOf("publish", "rollback", "backtest", "apply-suggestion"), id: hostile, version: oneOf("1"), sku: oneOf("RING-7"), units: oneOf("2"), channel: oneOf("", "marketplace"), note: hostile } },
  {
    page: "inventory",
    action: inventoryAction,
    fields: {
      inventoryItemIds: fc.oneof(hostile, fc.constant("ITEMS"), fc.array(fc.oneof(fc.constant("ITEM"), hostile), { maxLength: 3 }).map((ids) => JSON.stringify(ids))),
      kind: oneOf("safety_stock", "display"),
      location: oneOf("Warehouse", ""),
      units: oneOf("2"),
    },
  },
];

/** What the merchant has that a refused input must not change. */
async function merchantState() {
  const [draft, versions, settings, holds, audit] = await Promise.all([
    prisma.policyDraft.findUnique({ where: { shop: SHOP }, select: { document: true, basedOnVersion: true, updatedBy: true } }),
    prisma.policyVersion.count({ where: { shop: SHOP } }),
    prisma.shopSettings.findUnique({ where: { shop: SHOP } }),
    prisma.cartHold.findMany({ where: { shop: SHOP }, select: { id: true, status: true, units: true, expiresAt: true }, orderBy: { id: "asc" } }),
    prisma.auditEntry.count({ where: { shop: SHOP } }),
  ]);
  return { draft, versions, settings, holds, audit };
}

/** The words of a refusal: every problem's message (or the list of strings the Inventory page shows). */
function messagesOf(data: unknown): string[] {
  if (typeof data !== "object" || data === null) return [String(data)];
  const problems = (data as { problems?: unknown }).problems;
  if (!Array.isArray(problems)) return [JSON.stringify(data)];
  return problems.map((problem) => (typeof problem === "string" ? problem : String((problem as { message?: unknown }).message)));
}

/** A refusal's words are for a merchant: no stack, no empty message, no placeholder they did not type. */
function unclearWords(messages: string[], typed: string): string | null {
  for (const message of messages) {
    if (message.trim() === "") return "an empty message";
    if (/\n\s+at |\bat .*\.tsx?:\d+|TypeError|RangeError|SyntaxError: Unexpected|Prisma/.test(message)) return `a stack or error name: ${message.slice(0, 200)}`;
    for (const word of ["undefined", "NaN", "[object Object]"]) if (message.includes(word) && !typed.includes(word)) return `"${word}" in ${message.slice(0, 200)}`;
  }
  return null;
}

async function answerOrFailure(run: () => Promise<RouteAnswer>): Promise<RouteAnswer> {
  try {
    return await run();
  } catch (thrown) {
    return { status: 599, location: null, data: `thrown: ${String((thrown as Error)?.stack ?? thrown).slice(0, 400)}` };
  }
}

describe("admin pages under bad input", () => {
  it("every action answers a hostile form below 500, refuses it in words, and a refusal changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        // The page's index, not the page, so that a counterexample prints as [index, form, draft].
        fc.nat({ max: FORMS.length - 1 }).chain((index) => fc.tuple(fc.constant(index), fc.record(FORMS[index]!.fields, { requiredKeys: [] }), fc.option(fc.constantFrom(...ODD_DRAFTS), { freq: 3 }))),
        async ([index, fields, oddDraft]) => {
          const form = FORMS[index]!;
          if (oddDraft !== null) await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: oddDraft });
          const values = Object.fromEntries(
            Object.entries(fields as Record<string, string>).map(([key, value]) => [key, value === "ITEMS" ? JSON.stringify(itemIds) : value.replaceAll('"ITEM"', JSON.stringify(itemIds[0] ?? ""))]),
          );
          const before = await merchantState();
          const answer = await answerOrFailure(() => callAction(harness, form.action, `/app/${form.page}`, values));
          expect(answer.status, `${form.page} ${JSON.stringify(values).slice(0, 300)} answered ${JSON.stringify(answer.data).slice(0, 400)}`).toBeLessThan(500);
          if (answer.status >= 400) {
            expect(unclearWords(messagesOf(answer.data), JSON.stringify(values) + (oddDraft ?? "")), `${form.page} ${JSON.stringify(values).slice(0, 300)}`).toBeNull();
            expect(await merchantState(), `${form.page} refused ${JSON.stringify(values).slice(0, 300)} but changed the shop's data`).toEqual(before);
          } else if (form.page === "settings" && answer.status === 200) {
            const stored = (await callLoader(harness, settingsLoader, "/app/settings")).data.values as Record<string, number>;
            for (const [key, value] of Object.entries(values)) expect(stored[key], `${key} saved`).toBe(Number(value));
          }
          // A change that passed starts work in the background: let it finish before the next input is judged.
          if (answer.status < 400) await harness.settle();
          await callAction(harness, rulesAction, "/app/rules", { intent: "discard" });
        },
      ),
      { seed: 20261206, numRuns: 90 },
    );
  }, 60_000);

  it("every page loads below 500 with odd query strings (cursors, ids, unicode, very long text)", async () => {
    const loaders: [string, Route, string[]][] = [
      ["inventory", inventoryLoader, ["q", "cursor", "direction"]],
      ["policy", policyLoader, ["cursor", "direction"]],
      ["preview", previewLoader, ["id", "sku"]],
      ["catalog-search", catalogSearchLoader, ["kind", "q"]],
      ["rules", rulesLoader, ["shared", "imported"]],
      ["holds", holdsLoader, ["id"]],
      ["inventory/export", exportLoader, ["cursor"]],
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: loaders.length - 1 }).map((index) => loaders[index]!), fc.array(fc.oneof(hostile, fc.constantFrom("sku", "tag", "product", "variant", "previous", "next")), { minLength: 3, maxLength: 3 }), async ([page, loader, keys], values) => {
        const query = new URLSearchParams(keys.map((key, index) => [key, values[index]!]));
        const answer = await answerOrFailure(() => callLoader(harness, loader, `/app/${page}?${query}`));
        expect(answer.status, `/app/${page}?${query} answered ${JSON.stringify(answer.data).slice(0, 300)}`).toBeLessThan(500);
      }),
      { seed: 20261207, numRuns: 80 },
    );
  }, 60_000);
});

/**
 * The failures the properties found, each pinned by hand: a rules draft saved mid-edit that is no
 * list of rules, then an edit from another page. Before: a 500 (a TypeError reading its rules),
 * after the channel change was already published for Channels.
 */
describe("edits from other pages over a draft saved mid-edit", () => {
  const ODD = '{"protection":5}';
  const saveOdd = async () => expect((await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: ODD })).status).toBe(200);
  const storedDraft = async () => (await prisma.policyDraft.findUnique({ where: { shop: SHOP } }))?.document;

  it.each([
    ["the CSV import", () => callAction(harness, importAction, "/app/rules/import", { csv: "kind,applies_to,value,location,units\nsafety_stock,sku,RING-7,Warehouse,4" })],
    ["Inventory's bulk edit", () => callAction(harness, inventoryAction, "/app/inventory", { inventoryItemIds: JSON.stringify(itemIds.slice(0, 1)), kind: "safety_stock", location: "Warehouse", units: "2" })],
    ["a backtest suggestion", () => callAction(harness, previewAction, "/app/preview", { intent: "apply-suggestion", sku: "RING-7", units: "2" })],
  ])("%s is refused with words that send the merchant to Rules; the draft is kept as typed", async (_name, run) => {
    await saveOdd();
    const versions = await prisma.policyVersion.count({ where: { shop: SHOP } });
    const answer = await answerOrFailure(run);
    expect(answer.status).toBe(422);
    expect(messagesOf(answer.data).join(" ") + JSON.stringify(answer.data)).toMatch(/rules draft is not a list of rules .*open Rules to fix or discard it/);
    expect(await storedDraft()).toBe(ODD);
    expect(await prisma.policyVersion.count({ where: { shop: SHOP } })).toBe(versions);
    await callAction(harness, rulesAction, "/app/rules", { intent: "discard" });
  });

  it("pausing a channel still works (one new version) and leaves that draft as typed", async () => {
    await saveOdd();
    const versions = await prisma.policyVersion.count({ where: { shop: SHOP } });
    const paused = await answerOrFailure(() => callAction(harness, channelsAction, "/app/channels", { intent: "pause", channel: "marketplace", reason: "Listing under review" }));
    expect(paused.status).toBe(200);
    expect(await prisma.policyVersion.count({ where: { shop: SHOP } })).toBe(versions + 1);
    expect(await storedDraft()).toBe(ODD);
    await harness.settle();
    await callAction(harness, channelsAction, "/app/channels", { intent: "resume", channel: "marketplace", reason: "Back" });
    await harness.settle();
    await callAction(harness, rulesAction, "/app/rules", { intent: "discard" });
  });
});

describe("a customer hold's end time that is no real time", () => {
  it.each(["9999-99-99T99:99", "2026-02-31T10:00", "2099-13-01T10:00", "2099-01-01T24:30", "+275760-09-13T00:00:00Z", "+010000-01-01T00:00:00Z"])("%s is 'pick when the hold ends' and no hold is made", async (expiresAt) => {
    const before = await merchantState();
    const answer = await answerOrFailure(() => callAction(harness, holdsAction, "/app/holds", { intent: "create", sku: "RING-7", location: "Warehouse", units: "1", expiresAt, note: "" }));
    expect(answer.status).toBe(422);
    expect(answer.data.problems).toEqual([{ path: "expiresAt", message: "pick when the hold ends" }]);
    expect(await merchantState()).toEqual(before);
  });
});

describe("a policy file missing a field", () => {
  it("says the field is missing, not 'got undefined'", async () => {
    const answer = await callAction(harness, policyAction, "/app/policy", { policy: JSON.stringify({ protection: [{ kind: "safety_stock", sku: "RING-7" }], channels: [] }) });
    expect(answer.status).toBe(422);
    expect(answer.data.problems).toEqual(expect.arrayContaining([{ path: "version", message: "must be 1, got nothing (the field is missing)" }]));
  });
});

describe("a rollback to a version that is no number", () => {
  it.each(["abc", "1.5", "1e400", "-1"])("Preview's rollback of %s says what a version is and starts nothing", async (version) => {
    const previews = await prisma.policyPreview.count({ where: { shop: SHOP } });
    const answer = await answerOrFailure(() => callAction(harness, previewAction, "/app/preview", { intent: "rollback", version }));
    expect(answer.status).toBe(422);
    expect(answer.data.problems).toEqual([{ path: "version", message: "must be a version number (1, 2, …)" }]);
    expect(await prisma.policyPreview.count({ where: { shop: SHOP } })).toBe(previews);
  });
});
