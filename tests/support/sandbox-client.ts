/**
 * An emulated shop reached through msw and an Admin client on its admin token, for tests of the
 * app/shopify readers. The bucket is generous so reference reads never wait on real time.
 */
import { createSandbox, SANDBOX_ADMIN_TOKEN, SANDBOX_SHOP_DOMAIN, sandboxHandlers, type Sandbox, type SandboxOptions } from "../../sandbox";
import { BucketRegistry, createAdminClient } from "~/shopify/admin-client.server";
import { mswServer } from "../setup/msw";

export function sandboxWithClient(seed?: SandboxOptions["seed"]) {
  const sandbox: Sandbox = createSandbox({
    apiKey: process.env.SHOPIFY_API_KEY!,
    apiSecret: process.env.SHOPIFY_API_SECRET!,
    appUrl: process.env.SHOPIFY_APP_URL!,
    deliver: async () => new Response(null, { status: 200 }),
    throttle: { bucketSize: 1_000_000, restoreRate: 1_000_000 },
    ...(seed === undefined ? {} : { seed }),
  });
  sandbox.install();
  mswServer.use(...sandboxHandlers(sandbox));
  const client = createAdminClient({ shop: SANDBOX_SHOP_DOMAIN, accessToken: SANDBOX_ADMIN_TOKEN, buckets: new BucketRegistry(), sleep: async () => {} });
  return { sandbox, client };
}
