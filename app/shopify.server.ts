import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { PrismaClient } from "@prisma/client";
import type { Env } from "./env.server";
import { withClearAccessFailure } from "./shopify/admin-auth.server";
import { OfflineTokenAwareSessionStorage } from "./shopify/session-storage.server";

/** The Admin API version every query and webhook uses (docs/decisions/012 "API version": 2026-10). */
export const apiVersion = ApiVersion.October26;

type ShopifyConfig = Pick<Env, "SHOPIFY_API_KEY" | "SHOPIFY_API_SECRET" | "SCOPES" | "SHOPIFY_APP_URL" | "NODE_ENV" | "SHOP_CUSTOM_DOMAIN">;

/**
 * The Remix app's Shopify side, built by the composition root (app/composition.server.ts) from
 * the configuration, the database and what to do after a shop authenticates.
 * Shaped like Shopify's shopify-app-template-remix: embedded app, Shopify-managed install and
 * token exchange (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange),
 * sessions in our own database. Webhook subscriptions live in shopify.app.toml (app-specific).
 */
export function createShopifyApp(config: ShopifyConfig, db: PrismaClient, afterAuth: (shop: string) => Promise<unknown>) {
  const sessionStorage = new OfflineTokenAwareSessionStorage(new PrismaSessionStorage(db));
  const app = shopifyApp({
    apiKey: config.SHOPIFY_API_KEY,
    apiSecretKey: config.SHOPIFY_API_SECRET,
    apiVersion,
    scopes: config.SCOPES.split(",").map((scope) => scope.trim()),
    appUrl: config.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    // Rows in our database; the wrapper keeps token refresh with our one refresher per shop and
    // cycles non-expiring tokens on the next admin load (app/shopify/session-storage.server.ts).
    sessionStorage,
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
      afterAuth: async ({ session }) => {
        try {
          await afterAuth(session.shop);
        } catch (error) {
          // The library stored the session before this hook and runs the hook only after a token
          // exchange: left stored, the next load would find it and the install steps would never
          // run. Without it, the next load exchanges a token and runs them again.
          console.error("afterAuth failed; the new session is dropped so that the next admin load runs it again", { shop: session.shop, error });
          await sessionStorage.deleteSession(session.id);
          throw error;
        }
      },
    },
    ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
  });
  // No bare 500 when Shopify gives no token (app/shopify/admin-auth.server.ts).
  return { ...app, authenticate: { ...app.authenticate, admin: withClearAccessFailure(app.authenticate.admin) } };
}

export type ShopifyApp = ReturnType<typeof createShopifyApp>;

let provide: (() => ShopifyApp) | undefined;
let shopify: ShopifyApp | undefined;

/** How the app's Shopify side is built: the composition root installs it (docs/decisions/023). */
export function provideShopifyApp(factory: () => ShopifyApp) {
  provide = factory;
  shopify = undefined;
}

/** The app's Shopify side, built on first use. */
export function shopifyWeb(): ShopifyApp {
  if (shopify) return shopify;
  if (!provide) throw new Error("shopify: not composed yet (call compose() from app/composition.server.ts first)");
  shopify = provide();
  return shopify;
}

/** A stand-in for one member of the app's Shopify side that builds it on first use, so importing this module starts nothing. */
function onFirstUse<Member extends object>(member: (app: ShopifyApp) => Member): Member {
  return new Proxy(function () {} as unknown as Member, {
    get: (_target, property) => {
      if (typeof property === "symbol" || property === "then" || property === "__esModule") return undefined;
      const real = member(shopifyWeb());
      const value = Reflect.get(real, property, real) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(real) : value;
    },
    apply: (_target, _this, args) => (member(shopifyWeb()) as (...args: unknown[]) => unknown)(...args),
  });
}

export const addDocumentResponseHeaders = onFirstUse((app) => app.addDocumentResponseHeaders);
export const authenticate = onFirstUse((app) => app.authenticate);
export const login = onFirstUse((app) => app.login);
export const sessionStorage = onFirstUse((app) => app.sessionStorage);
