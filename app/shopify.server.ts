import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { env } from "./env.server";
import { onShopAuthenticated } from "./services/installation.server";

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
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  // Tests exercise install/auth hundreds of times; keep their output to what went wrong.
  logger: { level: config.NODE_ENV === "test" ? LogSeverity.Error : LogSeverity.Info },
  future: { unstable_newEmbeddedAuthStrategy: true },
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
