/** Metafields on products, variants, the shop, locations and orders. */
import type { MetafieldRecord } from "../../contract.js";
import { metafieldKey, type ShopState } from "../../shop/state.js";
import { legacyIdOf, typeOfGid } from "../../shop/ids.js";
import { connection, defineType, plain, type ResolverMap, type TypeResolvers } from "./common.js";
import { findNode } from "./node.js";

/**
 * `$app:x` → `app--<apiClientId>--x`; an omitted namespace → `app--<apiClientId>`
 * (docs/decisions/016 §11).
 */
export function resolveNamespace(namespace: string | null | undefined, apiClientId: string): string {
  if (namespace === null || namespace === undefined || namespace === "" || namespace === "$app") return `app--${apiClientId}`;
  if (namespace.startsWith("$app:")) return `app--${apiClientId}--${namespace.slice(5)}`;
  return namespace;
}

export function metafieldsOf(state: ShopState, ownerId: string): MetafieldRecord[] {
  return [...state.metafields.values()].filter((m) => m.ownerId === ownerId);
}

/**
 * Another app's reserved namespace (`app--<otherId>…`) is invisible to the caller: app-owned
 * definitions give admin access to the merchant only — 2026-10 `MetafieldAdminAccessInput` offers
 * MERCHANT_READ / MERCHANT_READ_WRITE, "No other apps have access" — and PUBLIC_READ was removed
 * (shopify.dev/changelog/posts/public-access-for-app-owned-metafields-and-metaobjects-is-now-disabled:
 * "If your app needs metafields … to be accessible by other apps, you must migrate them to a
 * custom namespace"). The read answers null / leaves them out [inferred: no capture of the shape].
 */
export function visibleToApp(namespace: string, apiClientId: string): boolean {
  const reserved = /^app--([^-]+(?:-[^-]+)*?)(?:--|$)/.exec(namespace);
  return !reserved || reserved[1] === apiClientId;
}

/** `metafield(namespace:, key:)` and `metafields(...)` for any HasMetafields owner. */
export function hasMetafields<S extends { id: string }>(): TypeResolvers<S> {
  return {
    metafield: (src, args, ctx) => {
      const namespace = resolveNamespace(args.namespace, ctx.apiClientId);
      if (!visibleToApp(namespace, ctx.apiClientId)) return null;
      return ctx.state.metafieldIndex.get(metafieldKey(src.id, namespace, args.key)) ?? null;
    },
    metafields: (src, args, ctx) => {
      const ns = args.namespace === undefined || args.namespace === null ? null : resolveNamespace(args.namespace, ctx.apiClientId);
      const keys = Array.isArray(args.keys)
        ? (args.keys as string[]).map((k) => {
            const i = k.lastIndexOf(".");
            return `${resolveNamespace(k.slice(0, i), ctx.apiClientId)}.${k.slice(i + 1)}`;
          })
        : null;
      const list = metafieldsOf(ctx.state, src.id).filter(
        (m) => visibleToApp(m.namespace, ctx.apiClientId) && (ns === null || m.namespace === ns) && (keys === null || keys.includes(`${m.namespace}.${m.key}`)),
      );
      return connection(list, args);
    },
  };
}

const OWNER_TYPES: Record<string, string> = {
  Product: "PRODUCT",
  ProductVariant: "PRODUCTVARIANT",
  Shop: "SHOP",
  Location: "LOCATION",
  Order: "ORDER",
};

export function jsonValueOf(m: Pick<MetafieldRecord, "type" | "value">): unknown {
  if (m.type === "json" || m.type.startsWith("list.") || m.type === "money" || m.type === "dimension" || m.type === "weight" || m.type === "volume" || m.type === "rating") {
    try {
      return JSON.parse(m.value);
    } catch {
      return m.value;
    }
  }
  if (m.type === "number_integer" || m.type === "number_decimal") return Number(m.value);
  if (m.type === "boolean") return m.value === "true";
  return m.value;
}

export const metafieldResolvers: ResolverMap = {
  Metafield: defineType<MetafieldRecord>({
    ...plain<MetafieldRecord>("id", "namespace", "key", "type", "value", "compareDigest", "createdAt", "updatedAt"),
    legacyResourceId: (m) => String(legacyIdOf(m.id)),
    jsonValue: (m) => jsonValueOf(m),
    ownerType: (m) => OWNER_TYPES[typeOfGid(m.ownerId) ?? ""] ?? null,
    owner: (m, _a, ctx) => findNode(ctx.state, m.ownerId),
    description: () => null,
    definition: () => null,
    sizeInBytes: (m) => Buffer.byteLength(m.value),
  }),
};
