/**
 * Publications (sales channels). Each seeded publication has one channel whose `handle` is
 * the Safestock channel handle (online_store, pos, marketplace, wholesale) and an AppCatalog
 * titled like the publication.
 */
import type { ProductRecord, PublicationRecord } from "../../contract.js";
import { connection, count, defineType, plain, requireGid, type ResolverMap } from "./common.js";
import type { ResourcePublicationSource } from "./catalog.js";

interface ChannelSource {
  id: string;
  publication: PublicationRecord;
}

function channelOf(pub: PublicationRecord): ChannelSource {
  return { id: `gid://shopify/Channel/${pub.legacyId}`, publication: pub };
}

function productsOf(pub: PublicationRecord, products: Map<string, ProductRecord>): ProductRecord[] {
  return [...products.values()].filter((p) => p.id in pub.published);
}

export const publicationResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    publications: (_s, args, ctx) => connection(ctx.state.publications.values(), args),
    publication: (_s, args, ctx) => ctx.state.publications.get(requireGid(args.id)) ?? null,
    publicationsCount: (_s, _a, ctx) => count(ctx.state.publications.size),
    channels: (_s, args, ctx) => connection([...ctx.state.publications.values()].map(channelOf), args),
  }),
  Publication: defineType<PublicationRecord>({
    ...plain<PublicationRecord>("id", "name"),
    autoPublish: () => false,
    supportsFuturePublishing: (p) => p.channelHandle === "online_store",
    catalog: (p) => ({ __catalog: true, publication: p }),
    channels: (p, args) => connection([channelOf(p)], args),
    products: (p, args, ctx) => connection(productsOf(p, ctx.state.products), args),
    includedProducts: (p, args, ctx) => connection(productsOf(p, ctx.state.products), args),
    includedProductsCount: (p, _a, ctx) => count(productsOf(p, ctx.state.products).length),
    hasCollection: () => false,
  }),
  AppCatalog: defineType<{ publication: PublicationRecord }>({
    id: (c) => `gid://shopify/AppCatalog/${c.publication.legacyId}`,
    title: (c) => c.publication.name,
    status: () => "ACTIVE",
    publication: (c) => c.publication,
  }),
  Channel: defineType<ChannelSource>({
    id: (c) => c.id,
    name: (c) => c.publication.name,
    handle: (c) => c.publication.channelHandle,
    supportsFuturePublishing: (c) => c.publication.channelHandle === "online_store",
    products: (c, args, ctx) => connection(productsOf(c.publication, ctx.state.products), args),
    productsCount: (c, _a, ctx) => count(productsOf(c.publication, ctx.state.products).length),
  }),
  ResourcePublication: defineType<ResourcePublicationSource>({
    isPublished: (r) => r.productId in r.publication.published,
    publication: (r) => r.publication,
    publishDate: (r) => r.publication.published[r.productId] ?? null,
    publishable: (r, _a, ctx) => ctx.state.products.get(r.productId) ?? ctx.state.variants.get(r.productId),
    channel: (r) => channelOf(r.publication),
  }),
  ResourcePublicationV2: defineType<ResourcePublicationSource>({
    isPublished: (r) => r.productId in r.publication.published,
    publication: (r) => r.publication,
    publishDate: (r) => r.publication.published[r.productId] ?? null,
    publishable: (r, _a, ctx) => ctx.state.products.get(r.productId),
  }),
};
