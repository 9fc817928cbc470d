/**
 * The Inventory page's CSV export (docs/decisions/036): time to stream every row of a catalog of
 * 10,000 variants × 3 locations × 4 channels (`BENCH_VARIANTS` to change), as the route streams it,
 * with the time to the first byte, rows and bytes written, and the most heap the process held
 * while streaming (the export reads a page at a time, so this stays flat as the catalog grows).
 *
 * The database is filled directly (what the pipeline leaves behind after a sync and a policy):
 * the export reads only the database, and a 10,000-variant initial sync would take minutes here.
 * Figures only, no pass/fail; the target is under 5 s.
 */
import os from "node:os";
import type { Benchmark } from "./run";
import { startBenchEnvironment } from "./support/app";

const VARIANTS = Number(process.env.BENCH_VARIANTS ?? 10_000);
const SHOP = "export-bench.myshopify.com";
const LOCATIONS = ["Warehouse", "Soho store", "Brooklyn store"];
const CHANNELS = ["Online Store", "Point of Sale", "Marketplace", "Wholesale"];
const INSERT_BATCH = 2_000;

const benchmark: Benchmark = {
  description: `inventory CSV export: time to stream ${VARIANTS} variants × ${LOCATIONS.length} locations × ${CHANNELS.length} channels (target < 5 s)`,
  async run() {
    const { server, database } = startBenchEnvironment();
    // What an entry point does first (docs/decisions/023): the app builds its pieces on first use.
    (await import("../app/composition.server")).compose();
    const prisma = (await import("../app/db.server")).default;
    const { replaceChannels, replaceLocations } = await import("../app/models/catalog.server");
    const { inventoryCsvStream } = await import("../app/services/inventory-export.server");
    try {
      let started = performance.now();
      await replaceLocations(SHOP, LOCATIONS.map((name, i) => ({ id: `gid://shopify/Location/${i + 1}`, name, isActive: true, fulfillsOnlineOrders: i === 0 })));
      await replaceChannels(SHOP, CHANNELS.map((name, i) => ({ id: `gid://shopify/Publication/${i + 1}`, name })));
      const held = JSON.stringify([{ rule: "safety_stock", scope: "global", units: 2, reason: "2 safety stock" }]);
      for (let from = 0; from < VARIANTS; from += INSERT_BATCH) {
        const ids = Array.from({ length: Math.min(INSERT_BATCH, VARIANTS - from) }, (_, i) => from + i);
        const item = (n: number) => `gid://shopify/InventoryItem/${1_000_000 + n}`;
        await prisma.catalogItem.createMany({
          // Titles with commas and quotes, as real catalogs have: every one is quoted in the file.
          data: ids.map((n) => ({ shop: SHOP, inventoryItemId: item(n), variantId: `v${n}`, productId: `p${Math.floor(n / 4)}`, sku: n % 50 === 0 ? "" : `SKU-${n}`, productTitle: `Product ${Math.floor(n / 4)}, "classic"`, variantTitle: `Size ${n % 4}` })),
        });
        await prisma.levelState.createMany({
          data: ids.flatMap((n) => LOCATIONS.map((_, l) => ({ shop: SHOP, inventoryItemId: item(n), locationId: `gid://shopify/Location/${l + 1}`, quantities: JSON.stringify({ on_hand: 10 + l, available: 8 + l }), protected: 2, available: 8 + l, explain: held }))),
        });
        await prisma.channelState.createMany({
          data: ids.flatMap((n) => CHANNELS.map((name, c) => ({ shop: SHOP, inventoryItemId: item(n), channel: name.toLowerCase().replace(/ /g, "_"), available: 8 + c, paused: false, explain: "[]" }))),
        });
      }
      process.stdout.write(`setup (${VARIANTS} variants written to SQLite): ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      let firstByte: number | null = null;
      let bytes = 0;
      let lines = 0;
      started = performance.now();
      const reader = inventoryCsvStream(SHOP).getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        firstByte ??= performance.now() - started;
        bytes += next.value.byteLength;
        for (const byte of next.value) if (byte === 0x0a) lines++;
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }
      const total = performance.now() - started;
      const rows = lines - 1;
      const expected = VARIANTS * (LOCATIONS.length + CHANNELS.length);
      process.stdout.write(
        [
          `streamed ${VARIANTS.toLocaleString("en-US")} variants: ${(total / 1000).toFixed(2)} s (target < 5 s), first byte after ${(firstByte ?? 0).toFixed(0)} ms`,
          `rows: ${rows.toLocaleString("en-US")} (expected ${expected.toLocaleString("en-US")}${rows === expected ? "" : ": MISMATCH"}), ${(bytes / 1_048_576).toFixed(1)} MB`,
          `heap while streaming: at most ${((heapPeak - heapBefore) / 1_048_576).toFixed(1)} MB above the start`,
          `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load average ${os.loadavg().map((value) => value.toFixed(1)).join(" / ")} (shared: figures are upper bounds)`,
        ].join("\n") + "\n",
      );
    } finally {
      await prisma.$disconnect();
      server.close();
      database.remove();
    }
  },
};

export default benchmark;
