/**
 * Brings a fresh cluster database to "installed and synced": the offline session token exchange
 * would store, the install row, the initial catalog sync (through the emulated shop) and the
 * given policy published (which queues the reconciliation the workers then run). Exits when done.
 * App modules are imported after the preload has set the redirect up, hence the dynamic imports.
 *
 *   node --import tsx --import ./sandbox/app-preload.mjs tests/scale-out/seed-process.ts '{"shop":…,"accessToken":…,"policy":{…}}'
 */
import { Session } from "@shopify/shopify-api";

const { shop, accessToken, policy } = JSON.parse(process.argv[2]!) as { shop: string; accessToken: string; policy: unknown };

const { sessionStorage } = await import("~/shopify.server");
const { ensureShopInstalled } = await import("~/models/shop-installation.server");
const { runInitialSync } = await import("~/services/initial-sync.server");
const { publishPolicy } = await import("~/services/policy.server");
const { closeSharedRedis } = await import("~/jobs/redis.server");
const { default: prisma } = await import("~/db.server");

await sessionStorage.storeSession(new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken, scope: "write_inventory" }));
await ensureShopInstalled(shop);
await runInitialSync(shop);
const published = await publishPolicy(shop, policy, { createdBy: "cluster seed" });
if (!published.ok) throw new Error(`policy refused: ${JSON.stringify(published.problems)}`);
await closeSharedRedis();
await prisma.$disconnect();
process.stdout.write(JSON.stringify({ version: published.version }) + "\n");
process.exit(0);
