/**
 * A minimal in-memory `ShopEmulator` for the sandbox's own tests, until/besides the real one in
 * `sandbox/shop/`. It records tokens, answers a couple of GraphQL operations and lets tests emit
 * events. Not a model of Shopify: use the real emulator for behaviour.
 */
import type {
  Clock,
  EmulatorEvent,
  GraphQLRequestBody,
  GraphQLResult,
  ShopEmulator,
  ShopStateSnapshot,
} from "../../contract.js";

export interface FakeShop extends ShopEmulator {
  emit(event: EmulatorEvent): void;
  readonly tokens: Map<string, string[]>;
  readonly requests: { body: GraphQLRequestBody; token: string | null }[];
}

export function createFakeShop(domain: string, clock: Clock = { now: () => new Date() }): FakeShop {
  const listeners = new Set<(e: EmulatorEvent) => void>();
  const tokens = new Map<string, string[]>();
  const requests: FakeShop["requests"] = [];
  let orderSeq = 1000;
  const emit = (e: EmulatorEvent) => listeners.forEach((l) => l(e));
  return {
    domain,
    clock,
    tokens,
    requests,
    emit,
    async graphql(body, token): Promise<GraphQLResult> {
      requests.push({ body, token });
      if (!token || !tokens.has(token)) {
        return { status: 401, body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" } as never };
      }
      if (/orderCreate/.test(body.query)) {
        const id = ++orderSeq;
        const at = clock.now().toISOString();
        const order = {
          id: `gid://shopify/Order/${id}`,
          legacyId: String(id),
          name: `#${id}`,
          sourceName: "web",
          email: null,
          createdAt: at,
          updatedAt: at,
          cancelledAt: null,
          cancelReason: null,
          closed: false,
          fulfillmentStatus: "UNFULFILLED" as const,
          financialStatus: "PAID" as const,
          lineItems: [],
          refunds: [],
        };
        emit({ type: "order.created", at, order });
        return { status: 200, body: { data: { orderCreate: { order: { id: order.id, name: order.name }, userErrors: [] } } } };
      }
      return { status: 200, body: { data: { shop: { name: domain, myshopifyDomain: domain } } } };
    },
    grantAccessToken(token, scopes) {
      tokens.set(token, scopes);
    },
    revokeAccessTokens() {
      tokens.clear();
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot(): ShopStateSnapshot {
      return {
        domain,
        name: domain.replace(/\.myshopify\.com$/, ""),
        locations: [],
        products: [],
        variants: [],
        inventoryItems: [],
        inventoryLevels: [],
        publications: [],
        metafields: [],
        orders: [],
      validations: [],
      };
    },
  };
}
