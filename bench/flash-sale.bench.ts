/**
 * Flash sale (bench/README.md): 20 hot SKUs over a warehouse (fulfils online orders) and two
 * stores (do not), 4 channels, 2,000 orders in 60 s of real time from concurrent buyers (web checkout
 * obeying `available` and Safestock's cart-validation Function, POS at the stores, a marketplace
 * connector listing a copy refreshed every R seconds and ordering with DECREMENT_IGNORING_POLICY, B2B
 * orders, 3% cancellations), webhooks delivered as the emulator does by default, like Shopify
 * (docs/decisions/025: several in flight per shop, most within a second, 3% twice, hence reordered),
 * 1% of the apps' writes failing transiently (docs/decisions/027), Standard-plan rate limits.
 *
 * Each run puts identical shops with identical traffic side by side: Safestock, Safestock with the
 * refresh-window rule on the marketplace (`refreshSeconds: R`, docs/policy.md § 4), the naive sync
 * and no app. The marketplace is the emulator's connector stand-in (sandbox/connector/), its own app
 * reading each shop's number through the Admin API. With FLASH_BUFFERS=1 a last run compares the
 * velocity buffer (retired for new rules, docs/decisions/032) with a flat buffer of its mean size (3).
 * Figures, and each Safestock row judged against issue 21's targets, are printed and written to
 * bench/results/flash-sale.json and bench/README.md; nothing is asserted.
 *
 *   FLASH_SECONDS=60 FLASH_ORDERS=2000 FLASH_R=1,15,600 npm run bench -- flash-sale
 */
import type { Policy } from "../app/domain/index";
import { createApiMeter } from "./support/app";
import { barChartSvg, machine, markdownTable, textTable, updateReadme, writeChart, writeResults } from "./support/report";
import { runFlashSale, type ShopFigures, type ShopUnderTest } from "./flash/scenario";
import { flashSaleTraffic } from "./flash/traffic";
import type { Benchmark } from "./run";
import { deliveryProfileFromEnv } from "../sandbox/webhooks/delivery";

const SECONDS = Number(process.env.FLASH_SECONDS ?? 60);
const ORDERS = Number(process.env.FLASH_ORDERS ?? 2_000);
const REFRESH_SECONDS = (process.env.FLASH_R ?? "1,15,600").split(",").map(Number);
const SKUS = 20;
/** Only these shops (labels), e.g. FLASH_SHOPS=safestock for a profile. */
const ONLY = process.env.FLASH_SHOPS ? process.env.FLASH_SHOPS.split(",") : null;
/** Only these Safestock policies' runs (labels), e.g. FLASH_POLICIES=safestock for a quick before/after. */
const ONLY_POLICIES = process.env.FLASH_POLICIES ? process.env.FLASH_POLICIES.split(",") : null;
const SETTLE_MS = Number(process.env.FLASH_SETTLE_MS ?? 35_000);
/**
 * The velocity-vs-flat run, opt-in since the velocity buffer was retired for new rules on its figures
 * (docs/decisions/032): two deployments share the two cores in it, so its acknowledgements measure
 * the machine, not the app.
 */
const BUFFERS_RUN = process.env.FLASH_BUFFERS === "1";
/**
 * Issue 21's targets, judged per Safestock row: cost within 1.5× the per-item lower bound and
 * webhook acknowledgement p99 under 50 ms at the socket in every row; at R = 15 s, a row with 0
 * oversold units and at most 105 withheld (half the fixed fence's 209–214 of 2026-11-30).
 */
const TARGETS = { costOverLowerBound: 1.5, ackP99Ms: 50, refreshSeconds: 15, withheldUnits: 105 };
/** Shopify's Standard plan: restore 100 points/s; the bucket as recorded on a dev store (2,000). */
const STANDARD = { bucketSize: 2_000, restoreRate: 100 };
/**
 * Webhooks as Shopify delivers them, the emulator's default (docs/decisions/025): several in flight
 * per shop, seeded delays (median ~60 ms, a tail to 1.5 s), 3% twice. Seeded (11) so every run
 * draws alike; SANDBOX_DELIVERY_SEED and the other SANDBOX_DELIVERY_* knobs override.
 */
const DELIVERY = deliveryProfileFromEnv({ ...process.env, SANDBOX_DELIVERY_SEED: process.env.SANDBOX_DELIVERY_SEED ?? "11" });
/** 1% of the apps' writes fail transiently, as Shopify's "try again" answers do (docs/decisions/027); FLASH_TRANSIENT_RATE=0 turns it off. */
const TRANSIENT_RATE = Number(process.env.FLASH_TRANSIENT_RATE ?? 0.01);
/**
 * Units per SKU: the warehouse holds most, each store a shelf's worth. Demand is ~1.5× the warehouse
 * for hot SKUs at full size; FLASH_STOCK_SCALE (e.g. 0.2) keeps that scarcity in a short, small run.
 */
const STOCK_SCALE = Number(process.env.FLASH_STOCK_SCALE ?? 1);
const STOCK = { warehouse: (sku: number) => Math.round((90 - sku * 2) * STOCK_SCALE), store: () => Math.round(12 * STOCK_SCALE) };
/** Flat protection every app gets, so the comparison is about sync, not about how much is held back. */
const FLAT_SAFETY = 2;
/**
 * The marketplace's ring fence per SKU (docs/policy.md, "Ring fence"): about its share of the
 * warehouse's demand in this traffic (25% of orders, most of the rest web and B2B from the same
 * warehouse) for the middle SKUs; FLASH_FENCE_UNITS overrides.
 */
const FENCE_UNITS = Number(process.env.FLASH_FENCE_UNITS ?? Math.max(1, Math.round(15 * STOCK_SCALE)));

/** The self-sizing reserve's minimum per SKU: what the marketplace lists before it has sold (its pause-below). */
const RESERVE_MIN_UNITS = Number(process.env.FLASH_RESERVE_MIN_UNITS ?? 2);

type ChannelRule = NonNullable<Policy["channels"]>[number];

/**
 * A realistic policy for this shop: safety stock and channels drawing from the locations that can
 * fill them. No velocity buffer: it is retired for new rules (docs/decisions/032, "The velocity
 * buffer"), since in this shop every channel but the marketplace obeys Shopify's live `available`
 * and the marketplace's exposure is its R-second copy, which the buffer's rate × lag does not cover
 * (36 vs 36 oversold units against a flat buffer of its mean size). Only the velocity-vs-flat run
 * below still sets one, to keep measuring that claim.
 */
function policy(options: { velocity?: boolean; flatUnits?: number; marketplaceRefreshSeconds?: number; marketplaceFence?: number; marketplaceReserve?: boolean } = {}): Policy {
  // The refresh window covers, per SKU, what the other channels sell while the connector's copy is
  // stale: ceil(their measured rate × (R + measured sync lag)).
  const refresh = options.marketplaceRefreshSeconds;
  // A ring fence keeps N units per SKU for the marketplace that Shopify's `available` (web, B2B)
  // never shows; `fixedUnits: 0` lists only the fence, so a stale copy can never show a unit the
  // other channels may have sold.
  const fence = options.marketplaceFence ? { ringFenceUnits: options.marketplaceFence, fixedUnits: 0 } : {};
  // A reserve that sizes itself (docs/decisions/032): the fence is what the marketplace itself sells
  // over R + the measured lag, from RESERVE_MIN_UNITS up to the fixed fence as the merchant's cap.
  const reserve = options.marketplaceReserve ? { ringFenceSizing: "measured" as const, ringFenceUnits: FENCE_UNITS, ringFenceMinUnits: RESERVE_MIN_UNITS, fixedUnits: 0 } : {};
  const marketplace: ChannelRule = { channel: "marketplace", tier: 2, locations: ["Warehouse"], ...(refresh ? { refreshSeconds: refresh } : {}), ...fence, ...reserve, pauseBelow: 2 };
  return {
    version: 1,
    protection: [
      { kind: "safety_stock", units: options.flatUnits ?? FLAT_SAFETY },
      ...(options.velocity === true ? [{ kind: "velocity_buffer" as const, riskFactor: 2, maxUnits: 15 }] : []),
    ],
    channels: [
      { channel: "online_store", tier: 1, locations: ["Warehouse"] },
      { channel: "point_of_sale", tier: 1, locations: ["Soho store", "Brooklyn store"] },
      marketplace,
      { channel: "wholesale", tier: 3, locations: ["Warehouse"], fixedUnits: 10, reserveForHigherTiersBelow: 20 },
    ],
  } as Policy;
}

/**
 * The Safestock policies each R runs, one run each beside both baselines: a list of named configs
 * (the label is the table's "app" and, after the "+", the run's suffix).
 */
const POLICIES: { label: string; policyFor: (refreshSeconds: number) => Policy }[] = [
  { label: "safestock", policyFor: () => policy() },
  { label: "safestock+cover", policyFor: (r) => policy({ marketplaceRefreshSeconds: r }) },
  { label: "safestock+fence", policyFor: () => policy({ marketplaceFence: FENCE_UNITS }) },
  // The marketplace's reserve sized from its own measured sales, capped at the fence (decision 032).
  { label: "safestock+reserve", policyFor: (r) => policy({ marketplaceRefreshSeconds: r, marketplaceReserve: true }) },
];

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : "–");
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : a === 0 ? "0/0" : "∞");

const benchmark: Benchmark = {
  description: `flash sale: ${SKUS} hot SKUs × 3 locations, ${ORDERS} orders in ${SECONDS} s, R = ${REFRESH_SECONDS.join("/")} s; Safestock vs naive sync vs no app`,
  async run() {
    const started = performance.now();
    process.stdout.write(`webhook deliveries: the emulator's default (${DELIVERY.mode}, seed ${DELIVERY.seed}, up to ${DELIVERY.maxInFlightPerShop} in flight per shop, tail to ${DELIVERY.maxDelayMs} ms, ${DELIVERY.duplicateRate * 100}% twice); transient write failures: ${TRANSIENT_RATE * 100}%\n`);
    // No msw here: Safestock runs in its own process and reaches the shops over HTTP; the naive sync
    // calls them directly. Both are metered on the shops' side.
    const metering = createApiMeter();
    const traffic = flashSaleTraffic({ orders: ORDERS, durationMs: SECONDS * 1000, skus: SKUS, seed: 2026 });
    const all: ShopFigures[] = [];
    const run = async (name: string, refreshSeconds: number, shops: ShopUnderTest[]) => {
      process.stdout.write(`\n-- ${name}: R = ${refreshSeconds} s, ${shops.map((s) => s.label).join(", ")}\n`);
      const figures = await runFlashSale({ name, refreshSeconds, shops, traffic, durationMs: SECONDS * 1000, stock: STOCK, skus: SKUS, throttle: STANDARD, metering, settleMs: SETTLE_MS, delivery: DELIVERY, transientErrorRate: TRANSIENT_RATE });
      print(figures);
      all.push(...figures);
      return figures;
    };
    // Per R, one run per Safestock policy, each beside both baselines on identical shops with the
    // same traffic: Safestock alone, with the refresh-window rule, with the ring fence. One
    // Safestock deployment (web + worker processes) at a time: two of them in one run, with the
    // shops and buyers, oversubscribed the two cores in the opening burst (ack p50 5–7 s in a
    // 2026-11-30 17:05 UTC run) and measured the machine rather than the app.
    for (const r of REFRESH_SECONDS) {
      for (const { label, policyFor } of POLICIES.filter((p) => !ONLY_POLICIES || ONLY_POLICIES.includes(p.label))) {
        const shops: ShopUnderTest[] = [
          { label, app: { kind: "safestock", policy: policyFor(r) }, flatSafetyUnits: FLAT_SAFETY },
          { label: "naive", app: { kind: "naive", buffer: FLAT_SAFETY }, flatSafetyUnits: FLAT_SAFETY },
          { label: "no app", app: { kind: "none" } },
        ];
        const chosen = ONLY ? shops.filter((s) => ONLY.includes(s.label)) : shops;
        // FLASH_SHOPS=safestock+reserve,naive,no app runs that policy beside the baselines, not the baselines alone per policy.
        if (chosen.some((s) => s.app.kind === "safestock")) await run(label === "safestock" ? `r${r}` : `r${r}-${label.split("+")[1]}`, r, chosen);
      }
    }
    // Velocity buffer vs a flat buffer of its mean size, 3 (FLASH_FLAT_COMPARED) (R = 15 s or the first R given).
    const base = all.find((f) => f.label === "safestock" && f.refreshSeconds === (REFRESH_SECONDS.includes(15) ? 15 : REFRESH_SECONDS[0]));
    if (base && BUFFERS_RUN && !ONLY && !ONLY_POLICIES) {
      const levels = SKUS * 3;
      // The velocity buffer's mean size per level in earlier runs (3 on 2026-11-30: safety 2 + 1).
      const flatUnits = Number(process.env.FLASH_FLAT_COMPARED ?? 3);
      // Both buffers in one run, side by side in the same process: compared with the 4-shop run's
      // velocity shop, a flat shop alone in the process would lag less and look better for it.
      const [velocity, flat] = await run(`buffers${base.refreshSeconds}`, base.refreshSeconds, [
        { label: "velocity", app: { kind: "safestock", policy: policy({ velocity: true }) }, flatSafetyUnits: FLAT_SAFETY },
        { label: `flat ${flatUnits}`, app: { kind: "safestock", policy: policy({ flatUnits }) }, flatSafetyUnits: flatUnits },
      ]);
      process.stdout.write(
        `\nvelocity buffer (mean ${(velocity!.meanSafetyStockUnits / levels).toFixed(1)} units/level) vs flat ${flatUnits}, same run: oversold ${velocity!.oversoldUnits} vs ${flat!.oversoldUnits}, withheld ${velocity!.salesWithheld} vs ${flat!.salesWithheld}\n`,
      );
    }
    const wall = (performance.now() - started) / 1000;
    process.stdout.write(`\nwhole flash-sale bench: ${wall.toFixed(0)} s wall\n`);
    report(all, traffic.length, wall);
  },
};

function rows(figures: readonly ShopFigures[]) {
  return [
    ["R s", "run", "app", "placed", "refused", "oversold u", "oversold o", "mkt oversold o", "withheld u", "withheld > flat ss", "ack p50", "ack p99", "route p99", "prop p50", "prop p99", "req/order", "cost/order", "cost/LB", "cost/LB1", "throttled", "stale", "mean ss", "mkt listed", "mkt cover", "app RSS MB", "app CPU s", "app loop p99", "shop CPU s", "shop loop p99", "load"],
    ...figures.map((f) => [
      f.refreshSeconds,
      f.run,
      f.label,
      f.ordersPlaced,
      f.ordersRefused,
      f.oversoldUnits,
      f.oversoldOrders,
      f.perChannel.marketplace.oversoldOrders,
      f.salesWithheld,
      f.salesWithheldBeyondFlat,
      ms(f.ackP50Ms),
      ms(f.ackP99Ms),
      f.app === "safestock" ? ms(f.appAnswerP99Ms) : "–",
      ms(f.propagationP50Ms),
      ms(f.propagationP99Ms),
      f.requestsPerOrder.toFixed(2),
      f.costPerOrder.toFixed(1),
      Number.isFinite(f.costOverLowerBound) ? f.costOverLowerBound.toFixed(2) : "–",
      Number.isFinite(f.costOverMinimalLowerBound) ? f.costOverMinimalLowerBound.toFixed(2) : "–",
      f.throttled,
      f.stale,
      f.meanSafetyStockUnits.toFixed(0),
      f.meanMarketplaceListed.toFixed(0),
      f.app === "safestock" ? f.meanRefreshCover.toFixed(1) : "–",
      f.app === "safestock" ? f.peakRssMb.toFixed(0) : "–",
      f.app === "safestock" ? f.appCpuSeconds.toFixed(0) : "–",
      f.app === "safestock" ? ms(f.appLoopDelayP99Ms) : "–",
      f.shopSideCpuSeconds.toFixed(0),
      ms(f.shopSideLoopDelayP99Ms),
      f.loadAverage.toFixed(0),
    ]),
  ];
}

function print(figures: readonly ShopFigures[]) {
  process.stdout.write(textTable(rows(figures)) + "\n");
}

function ratios(all: readonly ShopFigures[]) {
  const out: (string | number)[][] = [["R s", "Safestock / baseline (same run)", "oversold units", "sales withheld", "cost points", "propagation p99"]];
  for (const r of [...new Set(all.map((f) => f.refreshSeconds))]) {
    for (const { label: mine } of POLICIES) {
      const ours = all.find((f) => f.refreshSeconds === r && f.label === mine);
      if (!ours) continue;
      for (const label of ["naive", "no app"]) {
        const other = all.find((f) => f.run === ours.run && f.label === label);
        if (!other) continue;
        out.push([r, `${mine} / ${label}`, ratio(ours.oversoldUnits, other.oversoldUnits), ratio(ours.salesWithheld, other.salesWithheld), label === "no app" ? "–" : ratio(ours.costPoints, other.costPoints), label === "no app" ? "–" : ratio(ours.propagationP99Ms, other.propagationP99Ms)]);
      }
    }
  }
  return out;
}

const verdict = (met: boolean) => (met ? "met" : "**missed**");

/**
 * Each Safestock row against issue 21's targets (TARGETS), as the README states them. The last
 * column reads the withheld target as the issue motivates it ("half the fixed fence's"): units
 * withheld above the flat safety stock every shop here keeps (a level that does not oversell keeps
 * those 2 units, and a buyer refused there counts them), against the fixed fence's at the same R.
 */
function targets(all: readonly ShopFigures[]) {
  const out: (string | number)[][] = [["R s", "run", "app", `cost/LB ≤ ${TARGETS.costOverLowerBound}`, `ack p99 < ${TARGETS.ackP99Ms} ms`, `0 oversold and ≤ ${TARGETS.withheldUnits} withheld (R = ${TARGETS.refreshSeconds} s)`, "0 oversold and withheld > flat ss ≤ half the fixed fence's"]];
  for (const f of all.filter((row) => row.app === "safestock")) {
    const fence = all.find((row) => row.refreshSeconds === f.refreshSeconds && row.label === "safestock+fence");
    const protectedSale = f.oversoldUnits === 0 && f.salesWithheld <= TARGETS.withheldUnits;
    const halfFence = fence && f !== fence ? f.oversoldUnits === 0 && f.salesWithheldBeyondFlat <= fence.salesWithheldBeyondFlat / 2 : undefined;
    out.push([
      f.refreshSeconds,
      f.run,
      f.label,
      `${Number.isFinite(f.costOverLowerBound) ? f.costOverLowerBound.toFixed(2) : "–"} ${verdict(f.costOverLowerBound <= TARGETS.costOverLowerBound)}`,
      `${ms(f.ackP99Ms)} ${verdict(f.ackP99Ms < TARGETS.ackP99Ms)}`,
      f.refreshSeconds === TARGETS.refreshSeconds ? `${f.oversoldUnits} / ${f.salesWithheld} ${protectedSale ? "met" : "–"}` : "",
      halfFence === undefined ? "" : `${f.oversoldUnits} / ${f.salesWithheldBeyondFlat} vs ${fence!.salesWithheldBeyondFlat} ${halfFence ? "met" : "–"}`,
    ]);
  }
  return out;
}

function report(all: readonly ShopFigures[], orders: number, wallSeconds: number) {
  process.stdout.write("\n" + textTable(ratios(all)) + "\n");
  process.stdout.write("\n" + textTable(targets(all)) + "\n");
  writeResults("flash-sale", { seconds: SECONDS, orders, refreshSeconds: REFRESH_SECONDS, stock: { warehouse: `(90 − 2 × sku index) × ${STOCK_SCALE}`, store: `12 × ${STOCK_SCALE}` }, throttle: STANDARD, wallSeconds, shops: all });
  const groups = (metric: (f: ShopFigures) => number) =>
    [...new Set(all.map((f) => f.run))].map((run) => {
      const shops = all.filter((f) => f.run === run);
      return { label: `${run} (R = ${shops[0]!.refreshSeconds} s)`, bars: shops.map((f) => ({ series: f.label, value: metric(f) })) };
    });
  writeChart(
    "flash-sale.svg",
    barChartSvg(`Flash sale: ${orders} orders in ${SECONDS} s, ${SKUS} SKUs × 3 locations, Standard plan`, [
      { metric: "Oversold units at the end", unit: "units", groups: groups((f) => f.oversoldUnits) },
      { metric: "Propagation p99 (Triggered-At → write applied)", unit: "s", groups: groups((f) => (Number.isFinite(f.propagationP99Ms) ? f.propagationP99Ms / 1000 : NaN)) },
      { metric: "Sales withheld", unit: "units", groups: groups((f) => f.salesWithheld) },
    ]),
  );
  updateReadme(
    "flash-sale",
    [
      `### Flash sale (latest run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${machine()}, ${wallSeconds.toFixed(0)} s wall)`,
      "",
      `${orders} orders in ${SECONDS} s, ${SKUS} SKUs × 3 locations, Standard plan (restore 100 points/s). Columns: oversold u/o = units below zero at the end / orders that took units that were not there; withheld = units refused to buyers and still unsold at the end (per SKU and place, at most the units refused there); withheld > flat ss = of those, the units above the shop's flat safety stock of 2 per level (what its own rules withheld beyond the rule every shop here keeps); ack and propagation in ms; route p99 = time Safestock's web process took from a webhook reaching its route to the answer; cost/LB = cost points over the lower bound (every second with a change: one read of the items changed in it, charged per item at the app's cheapest cost per item of a stock read (a read of levels or quantities: a read-back of the channel numbers alone plans nothing and is not counted), and one write at its cheapest mutation); cost/LB1 = over the older bound that charged each second's read as one item's; mean ss = mean units in \`safety_stock\` over the 20 SKUs; mkt listed = mean units the marketplace connector showed (its copy); mkt cover = mean units the refresh-window rule kept off the marketplace; app RSS / CPU / loop p99 = the shop's Safestock deployment (web process + worker process, both counted; CPU from the sale's start to its last order); shop CPU / loop p99 = the bench's own process (emulated shops, buyers, connector, network, naive sync). Each R has one run per Safestock policy (alone, + refresh-window cover, + fixed ring fence, + self-sizing reserve), each beside both baselines with the same traffic, so that one Safestock deployment at a time shares the two cores with the shops; the velocity-vs-flat run (FLASH_BUFFERS=1) has two.`,
      "",
      markdownTable(rows(all)),
      "",
      markdownTable(ratios(all)),
      "",
      "Issue 21's targets, each Safestock row of this run (the R = 15 s target is met when one row there shows both):",
      "",
      markdownTable(targets(all)),
      "",
      "![flash sale: oversells, propagation and sales withheld per scenario](charts/flash-sale.svg)",
    ].join("\n"),
  );
}

export default benchmark;
