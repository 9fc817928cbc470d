/**
 * `npm run sandbox`: Safestock inside an emulated Shopify admin, against an emulated shop,
 * with no Shopify account. Migrates SQLite, builds and starts the app (PORT, default 3000),
 * serves the emulated shop (SANDBOX_PORT, default 3001), installs the app into the shop and
 * opens it once as Shopify admin would (token exchange → initial sync).
 *
 *   npm run sandbox                 # then open http://127.0.0.1:3001/admin
 *   npm run sandbox -- --orders     # plus a gentle stream of simulated orders (every 5 s)
 *   npm run sandbox -- --orders 2   # ... every 2 s
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createSandbox,
  embeddedAppUrl,
  SANDBOX_API_KEY,
  SANDBOX_API_SECRET,
  SANDBOX_SHOP_DOMAIN,
  startSandboxServer,
} from "./index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

const args = process.argv.slice(2);
const ordersFlag = args.indexOf("--orders");
const orderEverySeconds = ordersFlag >= 0 ? Number(args[ordersFlag + 1]) || 5 : 0;

const port = Number(process.env.PORT ?? 3000);
const sandboxPort = Number(process.env.SANDBOX_PORT ?? 3001);
const appUrl = `http://127.0.0.1:${port}`;
const sandboxOrigin = `http://127.0.0.1:${sandboxPort}`;
const env = {
  ...process.env,
  NODE_ENV: "production" as const,
  PORT: String(port),
  HOST: "127.0.0.1",
  SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? SANDBOX_API_KEY,
  SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? SANDBOX_API_SECRET,
  SHOPIFY_APP_URL: appUrl,
  DATABASE_URL: process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite",
  SAFESTOCK_APP_BRIDGE_URL: `${sandboxOrigin}/app-bridge.js`,
  SAFESTOCK_SANDBOX_ORIGIN: sandboxOrigin,
  SAFESTOCK_SANDBOX_PARENT_PID: String(process.pid),
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${path.join(root, "sandbox", "app-preload.mjs")}`.trim(),
};

function step(message: string) {
  console.log(`\u001b[36m›\u001b[0m ${message}`);
}

function run(command: string, commandArgs: string[], label: string) {
  step(label);
  const result = spawnSync(command, commandArgs, { cwd: root, env: { ...env, NODE_OPTIONS: process.env.NODE_OPTIONS ?? "" }, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed (exit ${result.status}).`);
    process.exit(1);
  }
}

async function waitForHealth(url: string, timeoutMs: number, child: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
}

async function assertPortFree(url: string) {
  const answered = await fetch(url).then(
    () => true,
    () => false,
  );
  if (answered) {
    console.error(`✖ Something already answers on ${url}. Stop it (another \`npm run sandbox\`?) or set PORT / SANDBOX_PORT.`);
    process.exit(1);
  }
}

async function main() {
  const started = Date.now();
  await assertPortFree(appUrl);
  await assertPortFree(sandboxOrigin);
  run(bin("prisma"), ["migrate", "deploy", "--config", "prisma/prisma.config.ts"], "Migrating the SQLite database");
  run(bin("remix"), ["build"], "Building the app");

  step(`Starting the emulated shop ${SANDBOX_SHOP_DOMAIN} on ${sandboxOrigin}`);
  const sandbox = createSandbox({ apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET, appUrl });
  const server = await startSandboxServer({ sandbox, port: sandboxPort });
  const install = sandbox.install();

  step(`Starting Safestock on ${appUrl}`);
  const app = spawn(bin("remix-serve"), ["build/index.js"], { cwd: root, env, stdio: "inherit" });
  const shutdown = async () => {
    app.kill("SIGTERM");
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  await waitForHealth(`${appUrl}/healthz`, 60_000, app);

  // Open the app once as Shopify admin would after install: the session token makes the app
  // run token exchange against the emulated shop and queue its initial sync.
  step("Installing Safestock into the shop (token exchange, initial sync)");
  const opened = await fetch(embeddedAppUrl({ appUrl, shop: SANDBOX_SHOP_DOMAIN, idToken: sandbox.mintSessionToken() }), {
    redirect: "manual",
    // The library refuses bots (isbot) with 410; this is the admin's browser opening the app.
    headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36" },
  });
  if (opened.status >= 400) console.warn(`  the app answered ${opened.status} when opened; see its log above`);

  console.log(`
\u001b[32m✔ Safestock sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)} s\u001b[0m
  Admin (open this):  ${sandboxOrigin}/admin
  App:                ${appUrl}   (health: ${appUrl}/healthz)
  Admin GraphQL API:  ${sandboxOrigin}/admin/api/2026-10/graphql.json
                      header X-Shopify-Access-Token: ${install.accessToken}
  Sandbox controls:   ${sandboxOrigin}/sandbox
  Webhooks:           ${install.subscriptions.length} subscriptions pointing at ${appUrl}/webhooks/…
Press Ctrl+C to stop.`);

  if (orderEverySeconds > 0) startOrderStream(sandbox, orderEverySeconds);
}

/** A gentle, deterministic stream of orders across channels, through the shop's own orderCreate. */
function startOrderStream(sandbox: ReturnType<typeof createSandbox>, everySeconds: number) {
  const sources = ["web", "pos", "marketplace", "wholesale"];
  let tick = 0;
  step(`Placing a simulated order every ${everySeconds} s`);
  setInterval(async () => {
    const variants = sandbox.shop().snapshot().variants;
    if (variants.length === 0) return;
    const variant = variants[(tick * 7) % variants.length];
    const sourceName = sources[tick % sources.length];
    tick++;
    const result = await sandbox.placeOrder({ lineItems: [{ variantId: variant.id, quantity: 1 }], sourceName });
    const created = (result.body as { data?: { orderCreate?: { order?: { name?: string } | null } } }).data?.orderCreate?.order;
    console.log(created ? `  order ${created.name}: 1 × ${variant.sku} on ${sourceName}` : `  order for ${variant.sku} refused (no stock)`);
  }, everySeconds * 1000).unref?.();
}

main().catch((error) => {
  console.error("✖ sandbox failed:", error);
  process.exit(1);
});
