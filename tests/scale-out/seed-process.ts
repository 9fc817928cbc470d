/**
 * Brings a fresh cluster database to "installed and synced": the offline session token exchange
 * would store, the install row, the initial catalog sync (through the emulated shop) and the
 * given policy published (which queues the reconciliation the workers then run). Exits when done.
 * App modules are imported after the preload has set the redirect up, hence the dynamic imports.
 *
 *   node --import tsx --import ./sandbox/app-preload.mjs tests/scale-out/seed-process.ts '{"shop":…,"accessToken":…,"policy":{…}}'
 *
 * `"accessToken": "exchange"`: the token the app's token exchange gets (expiring=1, as
 * `future.expiringOfflineAccessTokens` asks; @shopify/shopify-api lib/auth/oauth/token-exchange),
 * with a session token from the emulator, instead of a given one.
 */
import { Session } from "@shopify/shopify-api";

const { shop, accessToken, policy } = JSON.parse(process.argv[2]!) as { shop: string; accessToken: string; policy: unknown };

// What an entry point does first (docs/decisions/023): the app builds its pieces on first use.
(await import("~/composition.server")).compose();
const { sessionStorage } = await import("~/shopify.server");
const { ensureShopInstalled } = await import("~/models/shop-installation.server");
const { runInitialSync } = await import("~/services/initial-sync.server");
const { publishPolicy } = await import("~/services/policy.server");
const { closeSharedRedis } = await import("~/jobs/redis.server");
const { default: prisma } = await import("~/db.server");

/** What token exchange would store: an expiring offline token and its refresh token. */
async function exchangedSession(): Promise<Session> {
  const origin = process.env.SAFESTOCK_SANDBOX_ORIGIN!;
  const { token } = (await (await fetch(`${origin}/sandbox/session-token?shop=${shop}`)).json()) as { token: string };
  const response = await fetch(`https://${shop}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      client_id: process.env.SHOPIFY_API_KEY,
      client_secret: process.env.SHOPIFY_API_SECRET,
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: token,
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      expiring: "1",
    }),
  });
  if (!response.ok) throw new Error(`token exchange: ${response.status}`);
  const pair = (await response.json()) as { access_token: string; scope: string; expires_in: number; refresh_token: string; refresh_token_expires_in: number };
  return new Session({
    id: `offline_${shop}`,
    shop,
    state: "",
    isOnline: false,
    accessToken: pair.access_token,
    scope: pair.scope,
    expires: new Date(Date.now() + pair.expires_in * 1000),
    refreshToken: pair.refresh_token,
    refreshTokenExpires: new Date(Date.now() + pair.refresh_token_expires_in * 1000),
  });
}

await sessionStorage.storeSession(
  accessToken === "exchange" ? await exchangedSession() : new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken, scope: "write_inventory" }),
);
await ensureShopInstalled(shop);
await runInitialSync(shop);
const published = await publishPolicy(shop, policy, { createdBy: "cluster seed" });
if (!published.ok) throw new Error(`policy refused: ${JSON.stringify(published.problems)}`);
await closeSharedRedis();
await prisma.$disconnect();
process.stdout.write(JSON.stringify({ version: published.version }) + "\n");
process.exit(0);
