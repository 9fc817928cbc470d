/**
 * The Safestock sandbox: emulated Shopify shops (sandbox/shop + sandbox/admin-api) wired to signed
 * webhook deliveries, OAuth token exchange, the local admin page and the App Bridge stand-in.
 *
 *   const sandbox = createSandbox({ apiKey, apiSecret, appUrl });
 *   sandbox.install();                                   // offline token + toml webhooks
 *   mswServer.use(...sandboxHandlers(sandbox));          // in-process (tests)
 *   await startSandboxServer({ sandbox, port: 8787 });   // or over HTTP (browser / npm run sandbox)
 *
 * See sandbox/http/compose.ts for the routes `handle` serves.
 */
import { composeSandbox, type Sandbox, type SandboxOptions, type ShopFactory } from "./http/compose.js";
import { createShopEmulator, type SeedOption } from "./shop/index.js";

export * from "./contract.js";
export { createShopEmulator, createManualClock, type ManualClock, type SeedOption } from "./shop/index.js";
export { composeSandbox, type InstallResult, type PlaceOrderInput, type Sandbox, type SandboxOptions, type ShopFactory, type ShopFactoryOptions } from "./http/compose.js";
export { startSandboxServer, type SandboxServer } from "./http/server.js";
export { sandboxHandlers } from "./msw/index.js";
export {
  createWebhookDispatcher,
  parseAppToml,
  topicSubscriptions,
  publishCompliance,
  publishEmulatorEvent,
  eventToWebhook,
  SHOPIFY_RETRY_DELAYS_MS,
  ORDERED_DELIVERY,
  type DeliveryAttempt,
  type DeliveryProfile,
  type WebhookDispatcher,
  type WebhookFaults,
} from "./webhooks/index.js";
export { mintSessionToken, verifySessionToken, createAccessTokenEndpoint } from "./auth/index.js";
export { adminPageHtml, appBridgeScript, embeddedAppUrl } from "./admin/index.js";
export { runCheckout, placeOrderThroughCheckout, handleCheckoutRequest } from "./checkout/index.js";

/** The real emulator (sandbox/shop); `seed` is its SeedOption. */
const defaultShopFactory: ShopFactory = (options) =>
  createShopEmulator({ ...options, seed: options.seed as SeedOption | undefined });

/** Compose a sandbox over the real emulator (or `createShop` in tests). */
export function createSandbox(options: SandboxOptions & { createShop?: ShopFactory }): Sandbox {
  return composeSandbox({ ...options, createShop: options.createShop ?? defaultShopFactory });
}
