/** Products and variants (with their publication fields). */
import type { ProductRecord, PublicationRecord, VariantRecord } from "../../contract.js";
import { variantInventoryQuantity, type ShopState } from "../../shop/state.js";
import { legacyIdOf } from "../../shop/ids.js";
import type { ApiContext } from "../context.js";
import { connection, count, countMatching, defineType, plain, requireGid, timestamps, type Args, type ListOptions, type ResolverMap } from "./common.js";
import { hasMetafields } from "./metafields.js";

function variantsOf(state: ShopState, p: ProductRecord): VariantRecord[] {
  return p.variantIds.map((id) => state.variants.get(id)).filter((v): v is VariantRecord => !!v);
}

function skusOf(state: ShopState, p: ProductRecord): string[] {
  return variantsOf(state, p).map((v) => v.sku);
}

export const catalogQueries = {
  products(ctx: ApiContext, args: Args) {
    return connection(ctx.state.products.values(), args, productList(ctx));
  },
  productVariants(ctx: ApiContext, args: Args) {
    return connection(ctx.state.variants.values(), args, variantList(ctx));
  },
};

function productList(ctx: ApiContext): ListOptions<ProductRecord> {
  return {
      search: {
        fields: {
          ...timestamps<ProductRecord>(),
          title: (p) => p.title,
          handle: (p) => p.handle,
          tag: (p) => p.tags,
          tag_not: (p) => p.tags,
          status: (p) => p.status,
          vendor: (p) => p.vendor,
          product_type: (p) => p.productType,
          sku: (p) => skusOf(ctx.state, p),
        },
        text: (p: ProductRecord) => [p.title, ...p.tags, ...skusOf(ctx.state, p)],
      },
  };
}

function variantList(ctx: ApiContext): ListOptions<VariantRecord> {
  return {
      search: {
        fields: {
          ...timestamps<VariantRecord>(),
          sku: (v) => v.sku,
          title: (v) => v.title,
          product_id: (v) => legacyIdOf(v.productId),
          inventory_item_id: (v) => legacyIdOf(v.inventoryItemId),
          inventory_quantity: (v) => variantInventoryQuantity(ctx.state, v),
        },
        text: (v: VariantRecord) => [v.sku, v.title],
      },
  };
}

function isPublishedOn(pub: PublicationRecord | undefined, productId: string): boolean {
  return !!pub && productId in pub.published;
}

/** `ResourcePublication` sources. */
export interface ResourcePublicationSource {
  publication: PublicationRecord;
  productId: string;
}

function resourcePublications(state: ShopState, productId: string, onlyPublished: boolean): (ResourcePublicationSource & { id: string })[] {
  return [...state.publications.values()]
    .filter((pub) => !onlyPublished || isPublishedOn(pub, productId))
    .map((publication) => ({ id: publication.id, publication, productId }));
}

function publicationFields<S extends { id: string; productId?: string }>(productIdOf: (s: S) => string) {
  return {
    publishedOnPublication: (s: S, args: Args, ctx: ApiContext) => isPublishedOn(ctx.state.publications.get(requireGid(args.publicationId, "publicationId")), productIdOf(s)),
    publishedOnCurrentPublication: () => false,
    publicationCount: (s: S, args: Args, ctx: ApiContext) => resourcePublications(ctx.state, productIdOf(s), args.onlyPublished !== false).length,
    resourcePublicationsCount: (s: S, args: Args, ctx: ApiContext) => count(resourcePublications(ctx.state, productIdOf(s), args.onlyPublished !== false).length),
    // `onlyPublished` defaults to true (shopify.dev/docs/api/admin-graphql/latest/objects/Product#field-resourcePublications)
    resourcePublications: (s: S, args: Args, ctx: ApiContext) => connection(resourcePublications(ctx.state, productIdOf(s), args.onlyPublished !== false), args),
    resourcePublicationsV2: (s: S, args: Args, ctx: ApiContext) => connection(resourcePublications(ctx.state, productIdOf(s), args.onlyPublished !== false), args),
    unpublishedPublications: (s: S, args: Args, ctx: ApiContext) =>
      connection([...ctx.state.publications.values()].filter((p) => !isPublishedOn(p, productIdOf(s))), args),
  };
}

export const catalogResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    products: (_s, args, ctx) => catalogQueries.products(ctx, args),
    product: (_s, args, ctx) => ctx.state.products.get(requireGid(args.id)) ?? null,
    productByHandle: (_s, args, ctx) => [...ctx.state.products.values()].find((p) => p.handle === args.handle) ?? null,
    productsCount: (_s, args, ctx) => countMatching(ctx.state.products.values(), args, productList(ctx)),
    productVariants: (_s, args, ctx) => catalogQueries.productVariants(ctx, args),
    productVariant: (_s, args, ctx) => ctx.state.variants.get(requireGid(args.id)) ?? null,
    productVariantsCount: (_s, args, ctx) => countMatching(ctx.state.variants.values(), args, variantList(ctx)),
  }),
  Product: defineType<ProductRecord>({
    ...plain<ProductRecord>("id", "title", "handle", "status", "tags", "vendor", "productType", "createdAt", "updatedAt"),
    legacyResourceId: (p) => String(p.legacyId),
    description: () => "",
    descriptionHtml: () => "",
    onlineStoreUrl: () => null,
    isGiftCard: (p) => p.isGiftCard === true,
    requiresSellingPlan: () => false,
    templateSuffix: () => null,
    // (docs/decisions/016 §8) real totalInventory can lag behind; the sandbox reports it current.
    totalInventory: (p, _a, ctx) => variantsOf(ctx.state, p).reduce((s, v) => s + variantInventoryQuantity(ctx.state, v), 0),
    totalVariants: (p) => p.variantIds.length,
    variantsCount: (p) => count(p.variantIds.length),
    tracksInventory: (p, _a, ctx) => variantsOf(ctx.state, p).some((v) => ctx.state.inventoryItems.get(v.inventoryItemId)?.tracked),
    hasOnlyDefaultVariant: (p, _a, ctx) => variantsOf(ctx.state, p).every((v) => v.title === "Default Title"),
    hasOutOfStockVariants: (p, _a, ctx) => variantsOf(ctx.state, p).some((v) => variantInventoryQuantity(ctx.state, v) <= 0),
    variants: (p, args, ctx) => connection(variantsOf(ctx.state, p), args),
    publishedAt: (p, _a, ctx) => [...ctx.state.publications.values()].find((x) => x.channelHandle === "online_store")?.published[p.id] ?? null,
    ...publicationFields<ProductRecord>((p) => p.id),
    ...hasMetafields<ProductRecord>(),
  }),
  ProductVariant: defineType<VariantRecord>({
    ...plain<VariantRecord>("id", "title", "sku", "price", "position", "inventoryPolicy", "createdAt", "updatedAt"),
    legacyResourceId: (v) => String(v.legacyId),
    barcode: () => null,
    compareAtPrice: () => null,
    taxable: () => true,
    displayName: (v, _a, ctx) => `${ctx.state.products.get(v.productId)?.title ?? ""} - ${v.title}`,
    inventoryQuantity: (v, _a, ctx) => variantInventoryQuantity(ctx.state, v),
    // `sellableOnlineQuantity`: available at locations that fulfil online orders.
    sellableOnlineQuantity: (v, _a, ctx) =>
      (ctx.state.levelsByItem.get(v.inventoryItemId) ?? []).filter((l) => l.isActive && ctx.state.locations.get(l.locationId)?.fulfillsOnlineOrders).reduce((s, l) => s + Math.max(0, l.quantities.available), 0),
    availableForSale: (v, _a, ctx) => {
      const item = ctx.state.inventoryItems.get(v.inventoryItemId);
      return !item?.tracked || v.inventoryPolicy === "CONTINUE" || variantInventoryQuantity(ctx.state, v) > 0;
    },
    inventoryItem: (v, _a, ctx) => ctx.state.inventoryItems.get(v.inventoryItemId),
    product: (v, _a, ctx) => ctx.state.products.get(v.productId),
    selectedOptions: (v) => [{ name: "Title", value: v.title, optionValue: null }],
    ...publicationFields<VariantRecord>((v) => v.productId),
    ...hasMetafields<VariantRecord>(),
  }),
  SelectedOption: defineType<{ name: string; value: string }>(plain("name", "value")),
};
