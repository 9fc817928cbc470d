/**
 * An emulated shop reached through msw and an Admin client on an expiring token of the app, for
 * tests of the app/shopify readers. The bucket is generous so reference reads never wait on real time.
 */
import { randomBytes } from "node:crypto";
import { createSandbox, SANDBOX_SHOP_DOMAIN, sandboxHandlers, type Sandbox, type SandboxOptions } from "../../sandbox";
import { BucketRegistry, createAdminClient } from "~/shopify/admin-client.server";
import { mswServer } from "../setup/msw";

/** The scopes shopify.app.toml asks for. */
const APP_SCOPES = ["write_inventory", "read_locations", "write_products", "read_orders", "write_publications", "write_validations"];

export function sandboxWithClient(seed?: SandboxOptions["seed"], options: Pick<SandboxOptions, "bulkObjectsPerSecond"> = {}) {
  const sandbox: Sandbox = createSandbox({
    apiKey: process.env.SHOPIFY_API_KEY!,
    apiSecret: process.env.SHOPIFY_API_SECRET!,
    appUrl: process.env.SHOPIFY_APP_URL!,
    deliver: async () => new Response(null, { status: 200 }),
    throttle: { bucketSize: 1_000_000, restoreRate: 1_000_000 },
    ...(seed === undefined ? {} : { seed }),
    ...options,
  });
  sandbox.install();
  mswServer.use(...sandboxHandlers(sandbox));
  // An expiring token (an hour, Shopify's lifetime), not the sandbox's fixed non-expiring admin
  // token: the emulator, like Shopify, refuses the app's non-expiring tokens from 2027-01-01
  // (shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens).
  const emulator = sandbox.shop(SANDBOX_SHOP_DOMAIN);
  const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
  emulator.grantExpiringAccessToken!(accessToken, APP_SCOPES, new Date(emulator.clock.now().getTime() + 3_600_000));
  const client = createAdminClient({ shop: SANDBOX_SHOP_DOMAIN, accessToken, buckets: new BucketRegistry(), sleep: async () => {} });
  return { sandbox, client, accessToken };
}
