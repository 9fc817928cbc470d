/**
 * `npm run sandbox`: Safestock inside an emulated Shopify admin, against an emulated shop,
 * with no Shopify account. Migrates SQLite, builds and starts the app (PORT, default 3000),
 * serves the emulated shop (SANDBOX_PORT, default 3001), installs the app into the shop and
 * opens it once as Shopify admin would (token exchange → initial sync). The stack itself lives
 * in ./stack.ts, shared with the browser tests.
 *
 *   npm run sandbox                 # then open http://127.0.0.1:3001/admin
 *   npm run sandbox -- --orders     # plus a gentle stream of simulated orders (every 5 s) and a
 *                                   # marketplace connector app (sandbox/connector) selling what it lists
 *   npm run sandbox -- --orders 2   # ... every 2 s
 *   npm run sandbox -- --plan plus  # the store's plan sets every app's rate limit (or SANDBOX_PLAN);
 *                                   # standard (default), advanced, plus, enterprise
 *   npm run sandbox -- --reset      # forget the kept shop and seed a new one
 *   npm run sandbox -- --variants 5000   # a new shop with a generated catalog of 5,000 variants
 *                                   # (above 1,000 the app reads it with a bulk operation; or SANDBOX_VARIANTS)
 *   npm run sandbox -- --catalog plain   # without the realistic variants (shared and blank SKUs,
 *                                   # continue-selling, untracked) seeded by default (or SANDBOX_CATALOG)
 *   npm run sandbox -- --id-base 9007199254740993   # every id the shop issues starts there, beyond
 *                                   # 2^53, so a numeric parse of an id shows (or SANDBOX_ID_BASE)
 *   npm run sandbox -- --bulk-rate 500   # a bulk read reads 500 objects a second (default 5,000; real
 *                                   # shops: seconds to minutes, sandbox/shop/README.md; or SANDBOX_BULK_OBJECTS_PER_SECOND)
 *
 * Webhooks reach the app as Shopify sends them: concurrent, late, out of order, some twice
 * (SANDBOX_DELIVERY_SEED replays a run, printed at start; SANDBOX_DELIVERY_MAX_DELAY_MS bounds the tail;
 * SANDBOX_DELIVERY=ordered turns it off; sandbox/shop/README.md "Webhook delivery").
 *
 * A seed flag takes effect when a shop is seeded: on a fresh database or with --reset.
 * The emulated shop is kept beside the SQLite file (`<db>.sandbox-shop.json`) and restored on the
 * next run, so the app's stored token, catalog and levels still match the shop's.
 */
import { createMarketplaceConnector } from "./connector/index.js";
import type { Sandbox } from "./index.js";
import { assertPortFree, buildApp, migrateDatabase, parseBulkRate, parseIdBaseFlag, parsePlan, parseSeed, parseTimeZoneFlag, StackError, startSandboxStack, withAppBuildLock } from "./stack.js";

const args = process.argv.slice(2);
const flagValue = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const ordersFlag = args.indexOf("--orders");
const orderEverySeconds = ordersFlag >= 0 ? Number(args[ordersFlag + 1]) || 5 : 0;
const reset = args.includes("--reset") || process.env.SANDBOX_RESET === "1";

const port = Number(process.env.PORT ?? 3000);
const sandboxPort = Number(process.env.SANDBOX_PORT ?? 3001);
const databaseUrl = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";

function step(message: string) {
  console.log(`\u001b[36m›\u001b[0m ${message}`);
}

async function main() {
  const started = Date.now();
  const plan = parsePlan(flagValue("--plan") ?? process.env.SANDBOX_PLAN);
  const idBase = parseIdBaseFlag(flagValue("--id-base") ?? process.env.SANDBOX_ID_BASE);
  const timeZone = parseTimeZoneFlag(flagValue("--time-zone") ?? process.env.SANDBOX_TIME_ZONE);
  const bulkObjectsPerSecond = parseBulkRate(flagValue("--bulk-rate") ?? process.env.SANDBOX_BULK_OBJECTS_PER_SECOND);
  const seed = parseSeed({ variants: flagValue("--variants") ?? process.env.SANDBOX_VARIANTS, catalog: flagValue("--catalog") ?? process.env.SANDBOX_CATALOG });
  await assertPortFree(`http://127.0.0.1:${port}`);
  await assertPortFree(`http://127.0.0.1:${sandboxPort}`);
  step("Migrating the SQLite database");
  migrateDatabase(databaseUrl);
  const stack = await withAppBuildLock(async () => {
    buildApp({ log: step });
    return startSandboxStack({ port, sandboxPort, databaseUrl, log: step, appOutput: "inherit", reset, seed, ...(idBase ? { idBase } : {}), ...(timeZone ? { timeZone } : {}), ...(plan ? { plan } : {}), ...(bulkObjectsPerSecond ? { bulkObjectsPerSecond } : {}) });
  });
  if (stack.restored && (flagValue("--variants") !== undefined || flagValue("--catalog") !== undefined || idBase || timeZone)) {
    step("The kept shop was restored as it was: --variants, --catalog, --id-base and --time-zone apply to a new shop (add --reset)");
  }
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  const { appUrl, sandboxUrl, install } = stack;
  console.log(`
\u001b[32m✔ Safestock sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)} s\u001b[0m
  Admin (open this):  ${sandboxUrl}/admin
  App:                ${appUrl}   (health: ${appUrl}/healthz)
  Admin GraphQL API:  ${sandboxUrl}/admin/api/2026-10/graphql.json
                      header X-Shopify-Access-Token: ${install.accessToken}
  Sandbox controls:   ${sandboxUrl}/sandbox
  Shop kept in:       ${stack.shopFile ?? "memory only"}${stack.restored ? "   (restored)" : ""}
  Webhooks:           ${install.subscriptions.length} subscriptions pointing at ${appUrl}/webhooks/…
Press Ctrl+C to stop.`);

  if (orderEverySeconds > 0) {
    startOrderStream(stack.sandbox, orderEverySeconds);
    startMarketplaceConnector(stack.sandbox, orderEverySeconds);
  }
}

/** A gentle, deterministic stream of orders across channels, through the shop's own orderCreate. */
function startOrderStream(sandbox: Sandbox, everySeconds: number) {
  // Marketplace orders come from the connector app (startMarketplaceConnector).
  const sources = ["web", "pos", "wholesale"];
  let tick = 0;
  step(`Placing a simulated order every ${everySeconds} s`);
  setInterval(async () => {
    const variants = sandbox.shop().snapshot().variants;
    if (variants.length === 0) return;
    const variant = variants[(tick * 7) % variants.length];
    const sourceName = sources[tick % sources.length];
    tick++;
    const result = await sandbox.placeOrder({ lineItems: [{ variantId: variant.id, quantity: 1 }], sourceName, ...simulatedBuyer(tick) });
    const created = (result.body as { data?: { orderCreate?: { order?: { name?: string } | null } } }).data?.orderCreate?.order;
    const label = variant.sku || `${variant.title} (no SKU)`;
    console.log(created ? `  order ${created.name}: 1 × ${label} on ${sourceName}` : `  order for ${label} refused (no stock)`);
  }, everySeconds * 1000).unref?.();
}

/**
 * A made-up buyer, so the stream's order webhooks carry a customer, addresses, phone and note as
 * real ones do (what `include_fields` and the stored-body trim keep out: README "Privacy").
 */
function simulatedBuyer(tick: number) {
  const names = [["Ada", "Lovelace"], ["Alan", "Turing"], ["Grace", "Hopper"]][tick % 3]!;
  const [firstName, lastName] = names;
  const email = `${firstName!.toLowerCase()}.${lastName!.toLowerCase()}@example.com`;
  const phone = `+1555010${String(tick % 1000).padStart(4, "0")}`;
  const address = { firstName, lastName, address1: `${100 + tick} Example Street`, city: "Springfield", zip: "12345", countryCode: "US", phone };
  return { email, order: { customer: { toUpsert: { firstName, lastName, email, phone } }, billingAddress: address, shippingAddress: address, phone, note: "Leave at the door" } };
}

/**
 * The marketplace channel as its own app: lists Safestock's marketplace number (the merchant-owned
 * `safestock.channels`, readable by other apps: docs/decisions/017-readable-channel-numbers.md)
 * every 60 s, sells on its side, records orders. Until Safestock has published a number it lists 0.
 */
function startMarketplaceConnector(sandbox: Sandbox, everySeconds: number) {
  // A connector lists by SKU: blank ones cannot be listed, a shared one is one listing.
  const skus = [...new Set(sandbox.shop().snapshot().variants.map((v) => v.sku).filter((sku) => sku !== ""))].slice(0, 20);
  const connector = createMarketplaceConnector({
    shop: sandbox.shop(),
    skus,
    source: { kind: "metafield", namespace: "safestock", channel: "marketplace" },
    refreshEverySeconds: 60,
    ordersPerMinute: 60 / everySeconds,
    seed: 1,
    onOrder: (o) => console.log(o.name ? `  marketplace order ${o.name}: ${o.units} × ${o.sku}${o.oversold ? ` (${o.oversold} oversold)` : ""}` : `  marketplace order for ${o.sku} failed`),
  });
  step(`Marketplace connector (${connector.apiClientId}) lists Safestock's marketplace number for ${skus.length} SKUs, re-read every 60 s`);
  connector.start();
}

main().catch((error) => {
  // Same words as before the stack moved to ./stack.ts: a failed step or a busy port prints
  // one line; anything unexpected prints the error.
  if (error instanceof StackError) console.error(`✖ ${error.message}`);
  else console.error("✖ sandbox failed:", error);
  process.exit(1);
});
