/**
 * Backtest before Publish against the emulated shop (issue 21 §1–2, docs/decisions/033): the
 * Preview page starts the job, the worker reads the past orders through the Admin API, replays
 * them, and the page shows the figures; a suggestion goes into the rules draft, never live.
 *
 * The history, worked by hand. NECK-20 has 5 units, all at the Warehouse (sandbox/shop/README.md),
 * the only location that fills online and marketplace orders. The draft says the marketplace reads
 * its number every 900 s. Both orders fall in one quarter hour starting at T, so the marketplace's
 * copy is the one it read at T, before either order: 5.
 * - T + 4 min, web × 3: the online store shows 5 → sold; stock 2.
 * - T + 8 min, marketplace × 4: its copy still shows 5 → sold, but only 2 are left: 2 oversold.
 * No protection, the (empty) policy in force and the draft all replay the same way: 2 orders, 7
 * units sold, 5 filled, 2 oversold in 1 order, nothing refused or held back, net 5 − 2 = 3.
 * The smallest buffer per location that prevents it: 1 leaves the copy at 4 (still sells 4 → 2
 * oversold); 2 leaves 3 → the marketplace order is refused, the online order still fits (3 ≤ 3),
 * and the 2 units the shop had for it are held back.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { action as previewAction, loader as previewLoader } from "~/routes/app.preview";
import { action as rulesAction, loader as rulesLoader } from "~/routes/app.rules";
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

const QUARTER_HOUR = 900_000;
const DRAFT = { version: 1, protection: [], channels: [{ channel: "marketplace", refreshSeconds: 900 }] };

async function placeAt(at: Date, sourceName: string, quantity: number, sku = "NECK-20") {
  const state = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot();
  const variant = state.variants.find((entry) => entry.sku === sku)!;
  const placed = await harness.sandbox.placeOrder(
    // A marketplace connector's order ignores Shopify's count, as connectors do (DECREMENT_IGNORING_POLICY).
    { lineItems: [{ variantId: variant.id, quantity }], sourceName, order: { processedAt: at.toISOString() }, options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } },
    SANDBOX_SHOP_DOMAIN,
  );
  expect((placed.body as { data: { orderCreate: { userErrors: unknown[] } } }).data.orderCreate.userErrors).toEqual([]);
}

describe("backtest before Publish", () => {
  it("replays the shop's past orders from Preview and puts a suggested buffer in the draft", { timeout: 60_000 }, async () => {
    // Two hours back, on a quarter-hour boundary: the marketplace's reads fall at T, T + 15 min, …
    const now = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).clock.now().getTime();
    const start = Math.floor((now - 2 * 3_600_000) / QUARTER_HOUR) * QUARTER_HOUR;
    await placeAt(new Date(start + 4 * 60_000), "web", 3);
    await placeAt(new Date(start + 8 * 60_000), "marketplace", 4);
    await harness.settle();

    const preview = await callAction(harness, rulesAction, "/app/rules", { intent: "preview", document: JSON.stringify(DRAFT) });
    expect(preview.status).toBe(302);
    const id = new URL(preview.location!, "http://x").searchParams.get("id")!;
    expect((await callLoader(harness, previewLoader, `/app/preview?id=${id}`)).data.backtest).toBeNull();

    expect((await callAction(harness, previewAction, `/app/preview?id=${id}`, { intent: "backtest", id })).data).toMatchObject({ ok: true });
    expect((await callLoader(harness, previewLoader, `/app/preview?id=${id}`)).data.backtest).toMatchObject({ status: "running" });
    await harness.settle();

    const page = (await callLoader(harness, previewLoader, `/app/preview?id=${id}`)).data;
    expect(page.backtest).toMatchObject({ status: "done", processed: 2, total: 2, error: null });
    const result = page.backtest.result;
    expect(result.orders).toBe(2);
    expect(result.refreshSeconds).toEqual({ marketplace: 900 });
    const expected = { orders: 2, soldUnits: 7, filledUnits: 5, oversoldOrders: 1, oversoldUnits: 2, refusedOrders: 0, withheldUnits: 0, net: 3 };
    expect(result.runs.map((run: { label: string }) => run.label)).toEqual(["No protection", "In force", "Your draft"]);
    for (const run of result.runs) expect(run.total).toEqual(expected);
    const draftRun = result.runs[2];
    expect(draftRun.byChannel.marketplace).toMatchObject({ orders: 1, soldUnits: 4, oversoldUnits: 2 });
    expect(draftRun.byChannel.online_store).toMatchObject({ orders: 1, soldUnits: 3, oversoldUnits: 0 });
    expect(result.groups.map((group: { group: string }) => group.group)).toEqual(["Silver Necklace"]);
    expect(result.chart[2].oversold.reduce((sum: number, units: number) => sum + units, 0)).toBe(2);
    expect(result.suggestions).toEqual([{ sku: "NECK-20", units: 2, oversoldUnits: 2, withheldUnits: 2, withheldWithoutUnits: 0 }]);
    // The marketplace's copy (read at T: 5) oversold. A reserve of N leaves the web store 5 − N: with 2 it
    // still sells its 3 (the marketplace then sells 4 of 2); with 3 the web order is refused (3 held back
    // of the 5 in stock) and the marketplace's 4 are there: 3 is the smallest.
    expect(result.reserveSuggestions).toEqual([{ sku: "NECK-20", channel: "marketplace", units: 3, oversoldUnits: 2, withheldUnits: 3, withheldWithoutUnits: 0 }]);

    // "Apply as draft": the draft gains the buffer, keeps the marketplace rule, and nothing is published.
    const applied = await callAction(harness, previewAction, `/app/preview?id=${id}`, { intent: "apply-suggestion", id, sku: "NECK-20", units: "2" });
    expect(applied.data).toMatchObject({ ok: true, applied: { sku: "NECK-20", units: 2 } });
    const rules = (await callLoader(harness, rulesLoader, "/app/rules")).data;
    expect(rules.document).toEqual({ ...DRAFT, protection: [{ kind: "safety_stock", sku: "NECK-20", units: 2 }] });
    expect(rules.current).toBeNull();

    // The reserve goes into the same draft as the marketplace's fixed ring fence (the format has no per-SKU fence).
    const reserve = await callAction(harness, previewAction, `/app/preview?id=${id}`, { intent: "apply-suggestion", id, sku: "NECK-20", units: "3", channel: "marketplace" });
    expect(reserve.data).toMatchObject({ ok: true, applied: { sku: "NECK-20", units: 3, channel: "marketplace" } });
    const withReserve = (await callLoader(harness, rulesLoader, "/app/rules")).data;
    expect(withReserve.document.channels).toEqual([{ channel: "marketplace", refreshSeconds: 900, ringFenceUnits: 3 }]);
    expect(withReserve.current).toBeNull();
  });

  it("replays a marketplace fence only on products published on the marketplace (docs/decisions/045)", { timeout: 60_000 }, async () => {
    // A fence of 46 at the Warehouse, the only location that fills web orders. Web orders an hour ago:
    // MUG-WHT × 5 (48 at the Warehouse; the Ceramic Mug is not on the marketplace: no fence, the web
    // store shows 48 → sold) and RING-6 × 2 (12 now, 14 before the order; on the marketplace: all
    // 14 fenced, the web store shows 0 → refused). Old code: the mug's web store shows 48 − 46 = 2 → refused too.
    const now = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).clock.now().getTime();
    await placeAt(new Date(now - 3_600_000), "web", 5, "MUG-WHT");
    await placeAt(new Date(now - 3_500_000), "web", 2, "RING-6");
    await harness.settle();
    const fenced = { version: 1, protection: [], channels: [{ channel: "marketplace", tier: 2, locations: ["Warehouse"], ringFenceUnits: 46 }] };
    const preview = await callAction(harness, rulesAction, "/app/rules", { intent: "preview", document: JSON.stringify(fenced) });
    const id = new URL(preview.location!, "http://x").searchParams.get("id")!;
    expect((await callAction(harness, previewAction, `/app/preview?id=${id}`, { intent: "backtest", id })).data).toMatchObject({ ok: true });
    await harness.settle();

    const result = (await callLoader(harness, previewLoader, `/app/preview?id=${id}`)).data.backtest.result;
    const groups = new Map(result.groups.map((group: { group: string; figures: { refusedOrders: number }[] }) => [group.group, group.figures]));
    // Figures per run: no protection, in force, the draft.
    expect((groups.get("Gold Ring") as { refusedOrders: number }[] | undefined)?.[2]).toMatchObject({ refusedOrders: 1, withheldUnits: 2 });
    expect(groups.has("Ceramic Mug")).toBe(false);
  });
});
