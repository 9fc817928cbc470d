/**
 * Integration harness: the real app (routes, services, worker, SQLite) against the emulated
 * shop, in one process. Admin API calls reach the sandbox through msw; webhooks from the
 * sandbox are signed and delivered into the app's own webhook route actions.
 */
import { configureWriteRetries } from "~/services/write-retries.server";
import { jobHandlers } from "~/services/job-handlers.server";
import { createConfiguredJobQueue } from "~/composition.server";
import { createWorker, type Worker } from "~/jobs/worker.server";
import { jobQueue, useJobQueue } from "~/services/jobs.server";
import { loader as appLoader } from "~/routes/app";
import {
  createSandbox,
  embeddedAppUrl,
  SANDBOX_ADMIN_TOKEN,
  SANDBOX_SHOP_DOMAIN,
  sandboxHandlers,
  type Sandbox,
  type SandboxOptions,
  type ShopFactory,
} from "../../sandbox";
import { mswServer } from "../setup/msw";
import { waitFor } from "./wait-for";

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

/**
 * Delivers a webhook to `app/routes/webhooks.<topic>.tsx`, a Flow action run to
 * `app/routes/flow.actions.<action>.tsx` or a Flow trigger lifecycle callback to
 * `app/routes/flow.lifecycle.tsx`, as Remix would route it.
 */
export async function deliverToApp(request: Request): Promise<Response> {
  const pathname = new URL(request.url).pathname;
  const match = pathname.match(/^\/webhooks\/(.+)$/) ?? pathname.match(/^\/(flow\/(?:actions\/[a-z-]+|lifecycle))$/);
  if (!match) return new Response("Not found", { status: 404 });
  const routeFile = match[0].startsWith("/webhooks/") ? `webhooks.${match[1].split("/").join(".")}` : match[1].split("/").join(".");
  const route = (await import(`../../app/routes/${routeFile}.tsx`)) as {
    action: (args: { request: Request; params: object; context: object }) => Promise<Response>;
  };
  try {
    return await route.action({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    return new Response(String(thrown), { status: 500 });
  }
}

/**
 * The offline session token exchange stores, for tests that drive services directly: a real token
 * exchange with the emulator asking for an expiring token (`expiring=1`), as the app does
 * (docs/decisions/021-expiring-offline-tokens.md). From 2027-01-01 Shopify, and the emulator,
 * refuse the app's non-expiring offline tokens, so a test resting on one would fail from that date.
 */
export async function storeOfflineSession(sandbox: Sandbox, shop: string) {
  const pair = await exchangeOfflineToken(sandbox, shop, { expiring: true });
  const { sessionStorage } = await import("~/shopify.server");
  const { Session } = await import("@shopify/shopify-api");
  const receivedAt = Date.now();
  await sessionStorage.storeSession(
    new Session({
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: pair.access_token,
      scope: pair.scope,
      expires: new Date(receivedAt + pair.expires_in! * 1000),
      refreshToken: pair.refresh_token,
      refreshTokenExpires: new Date(receivedAt + pair.refresh_token_expires_in! * 1000),
    }),
  );
}

/**
 * An offline session on the sandbox's fixed non-expiring admin token: what a shop installed before
 * the app asked for expiring tokens holds. Only for tests of that migration, which set the
 * emulator's clock themselves; every other test uses `storeOfflineSession`.
 */
export async function storeNonExpiringOfflineSession(shop: string) {
  const { sessionStorage } = await import("~/shopify.server");
  const { Session } = await import("@shopify/shopify-api");
  await sessionStorage.storeSession(
    new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: SANDBOX_ADMIN_TOKEN, scope: "write_inventory" }),
  );
}

interface OfflineTokenAnswer {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

/**
 * Shopify's token exchange for an offline token, against the emulator
 * (shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange), with a
 * session token the emulated admin minted for the shop.
 */
export async function exchangeOfflineToken(sandbox: Sandbox, shop: string, { expiring }: { expiring: boolean }): Promise<OfflineTokenAnswer> {
  const answer = await sandbox.handle(
    new Request(`https://${shop}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        client_id: process.env.SHOPIFY_API_KEY,
        client_secret: process.env.SHOPIFY_API_SECRET,
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: sandbox.mintSessionToken(shop),
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
        expiring: expiring ? "1" : "0",
      }),
    }),
  );
  const body = (await answer.json()) as OfflineTokenAnswer;
  if (!answer.ok || (expiring && (body.expires_in === undefined || !body.refresh_token))) {
    throw new Error(`token exchange for ${shop} answered ${answer.status}: ${JSON.stringify(body)}`);
  }
  return body;
}

const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };

export interface Harness {
  sandbox: Sandbox;
  worker: Worker;
  /** Install as Shopify would and open the app once (token exchange → initial sync queued). */
  install(shop?: string): Promise<void>;
  /** The merchant opens the app in Shopify admin: a fresh session token through `authenticate.admin`. */
  openApp(shop?: string): Promise<void>;
  /** Deliver every pending webhook and run every due job, until both are quiet. */
  /**
   * Delivers every pending webhook and runs the queue until both are quiet. `realTime` waits the
   * deliveries' drawn delays out on the clock instead of releasing them in due order, for a test
   * that measures lateness in wall time.
   */
  settle(options?: { realTime?: boolean }): Promise<{ jobs: number }>;
  gql<T = any>(query: string, variables?: Record<string, unknown>, shop?: string): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const BACK_OFFICE_SCOPES = ["write_orders", "write_inventory", "write_products", "write_publications", "write_locations"];

/** `createShop` builds each emulated shop (default: the seeded emulator), e.g. tests/support/twins-shop.ts. */
export function startHarness(options: Partial<SandboxOptions> & { createShop?: ShopFactory } = {}): Harness {
  const sandbox = createSandbox({
    apiKey: process.env.SHOPIFY_API_KEY!,
    apiSecret: process.env.SHOPIFY_API_SECRET!,
    appUrl: process.env.SHOPIFY_APP_URL!,
    deliver: deliverToApp,
    retryDelaysMs: [1, 1, 1, 1, 1, 1, 1, 1],
    // Shopify Plus limits (bucket 2,000, 1,000 points/s restore) so that tests do not wait on
    // the real-time leaky bucket; the throttling test sets a small bucket explicitly.
    throttle: { bucketSize: 2000, restoreRate: 1000 },
    ...options,
  });
  mswServer.use(...sandboxHandlers(sandbox));
  // Retries after a few milliseconds instead of Shopify-friendly seconds: tests stay fast.
  useJobQueue(createConfiguredJobQueue({ backoff: { baseMs: 1, maxMs: 5 } }));
  // Transient write failures retried after a few milliseconds too (app/services/write-retries.server.ts).
  configureWriteRetries({ baseMs: 1, maxMs: 5 });
  const worker = createWorker({ queue: jobQueue(), handlers: jobHandlers(), logger: quietLogger, pollIntervalMs: 5 });

  // The merchant's other systems (POS, ERP, staff in the admin) act through their own app with
  // their own scopes and bucket, never through Safestock's token (which lacks e.g. write_orders).
  const backOfficeTokens = new Map<string, string>();
  const backOfficeToken = (shop: string) => {
    let token = backOfficeTokens.get(shop);
    if (!token) {
      token = sandbox.registerApiClient({ apiClientId: "test-back-office", scopes: BACK_OFFICE_SCOPES }, shop).accessToken;
      backOfficeTokens.set(shop, token);
    }
    return token;
  };

  return {
    sandbox,
    worker,
    async install(shop = SANDBOX_SHOP_DOMAIN) {
      sandbox.install(shop);
      await this.openApp(shop);
    },
    async openApp(shop = SANDBOX_SHOP_DOMAIN) {
      const url = embeddedAppUrl({ appUrl: sandbox.appUrl, shop, idToken: sandbox.mintSessionToken(shop) });
      await appLoader({ request: new Request(url, { headers: { "User-Agent": BROWSER_UA } }), params: {}, context: {} });
    },
    async settle(options = {}) {
      let jobs = 0;
      // Quiet when a round delivers and runs nothing and the queue is drained; retries wait a few
      // ms in backoff, so until then the rounds go on (the condition, not a sleep, ends them).
      // Each round's deliveries keep their drawn delays and their order (late ones arrive after
      // earlier ones, older updates after newer ones); the drain releases them in that order
      // (sandbox/webhooks/dispatcher.ts, `inDueOrder`) instead of waiting the delays out.
      await waitFor(
        async () => {
          for (let round = 0; round < 50; round++) {
            // Nothing runs beside the drain, so the deliveries' drawn delays are released in the order
            // they fall due rather than waited out: same arrival order, no idle wall time.
            await sandbox.dispatcher.drain({ fastForward: true, inDueOrder: !options.realTime });
            const counts = await worker.runUntilIdle();
            jobs += counts.processed;
            if (counts.processed === 0) return jobQueue().drained();
          }
          return false;
        },
        { timeoutMs: 10_000, intervalMs: 10, what: "the pipeline settling (every delivery handled, the job queue drained)" },
      );
      return { jobs };
    },
    async gql(query, variables = {}, shop = SANDBOX_SHOP_DOMAIN) {
      const result = await sandbox.shop(shop).graphql({ query, variables }, backOfficeToken(shop));
      return result.body as never;
    },
  };
}
