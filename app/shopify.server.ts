import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { env } from "./env.server";
import { onShopAuthenticated } from "./services/installation.server";
import { OfflineTokenAwareSessionStorage } from "./shopify/session-storage.server";

/** The Admin API version every query and webhook uses (docs/decisions/012 "API version": 2026-10). */
export const apiVersion = ApiVersion.October26;

const config = env();

// Shaped like Shopify's shopify-app-template-remix: embedded app, Shopify-managed install and
// token exchange (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange),
// sessions in our own database. Webhook subscriptions live in shopify.app.toml (app-specific).
const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion,
  scopes: config.SCOPES.split(",").map((scope) => scope.trim()),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  // Rows in our database; the wrapper keeps token refresh with our one refresher per shop and
  // cycles non-expiring tokens on the next admin load (app/shopify/session-storage.server.ts).
  sessionStorage: new OfflineTokenAwareSessionStorage(new PrismaSessionStorage(prisma)),
  distribution: AppDistribution.AppStore,
  // Tests exercise install/auth hundreds of times; keep their output to what went wrong.
  logger: { level: config.NODE_ENV === "test" ? LogSeverity.Error : LogSeverity.Info },
  // Expiring offline tokens (60 min, with a refresh token): required of public apps; from
  // 2027-01-01 Shopify rejects non-expiring ones
  // (https://shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens).
  // Token exchange then sends expiring=1; refreshing is ours (app/shopify/offline-token.server.ts).
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  hooks: {
    // Queue the initial sync for a newly installed (or returning) shop.
    afterAuth: async ({ session }) => onShopAuthenticated(session.shop),
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;
