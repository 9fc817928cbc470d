/**
 * publishablePublish / publishableUnpublish (docs/decisions/016 §10). Products only (the
 * sandbox has no collections). With input errors the publishable is still returned and
 * nothing changes. A change emits `product.updated` (products/update): an assumption, neither
 * documented nor captured (decision 016 has no delivery recordings; docs/decisions/045 "Amendment").
 * No `product_publications/*`: Shopify emits those "only when there are publishing changes to the
 * app that is subscribed to the topic" (WebhookSubscriptionTopic PRODUCT_PUBLICATIONS_CREATE/
 * _UPDATE/_DELETE, https://shopify.dev/docs/api/admin-graphql/latest/enums/WebhookSubscriptionTopic),
 * and every publication here belongs to another channel (Safestock has none: SHOPIFY-CONFORMANCE
 * §10 "Channel does not exist"), so no subscriber of this emulator would get one.
 */
import type { ProductRecord } from "../../contract.js";
import type { ApiContext } from "../context.js";
import { defineType, requireGid, type Args, type ResolverMap } from "../resolvers/common.js";

interface UserError {
  field: string[] | null;
  message: string;
}

function perform(ctx: ApiContext, args: Args, publish: boolean, responseKey: string) {
  const id = requireGid(args.id);
  const product = ctx.state.products.get(id);
  const shop = ctx.state.shop;
  if (!product) return { publishable: null, shop, userErrors: [{ field: ["id"], message: "Resource does not exist" }] };
  const input = args.input as { publicationId?: string | null; channelId?: string | null; publishDate?: string | null }[];
  const errors: UserError[] = [];
  const seen = new Set<string>();
  const targets: { pubId: string; date: string }[] = [];
  const now = ctx.now();
  input.forEach((entry, i) => {
    const pubId = entry.publicationId ?? (entry.channelId ? entry.channelId.replace("/Channel/", "/Publication/") : null);
    const field = ["input", String(i), "publicationId"];
    if (!pubId) {
      errors.push({ field, message: "PublicationId cannot be empty" });
      return;
    }
    if (seen.has(pubId)) {
      errors.push({ field, message: "The same publication was specified more than once" });
      return;
    }
    seen.add(pubId);
    if (!ctx.state.publications.has(pubId)) {
      errors.push({ field, message: "Publication does not exist or is not publishable" });
      return;
    }
    if (entry.publishDate && new Date(entry.publishDate).getUTCFullYear() < 1970) {
      errors.push({ field: ["input", String(i), "publishDate"], message: "Publish date must be a date after the year 1969" });
      return;
    }
    targets.push({ pubId, date: entry.publishDate ?? now });
  });
  void responseKey;
  if (errors.length) return { publishable: product, shop, userErrors: errors };
  let changed = false;
  for (const t of targets) {
    const pub = ctx.state.publications.get(t.pubId)!;
    if (publish && !(product.id in pub.published)) {
      pub.published[product.id] = t.date;
      changed = true;
    } else if (!publish && product.id in pub.published) {
      delete pub.published[product.id];
      changed = true;
    }
  }
  if (changed) {
    product.updatedAt = now;
    emitProductUpdated(ctx, product);
  }
  return { publishable: product, shop, userErrors: [] };
}

export function emitProductUpdated(ctx: ApiContext, product: ProductRecord): void {
  const variants = product.variantIds.map((v) => ctx.state.variants.get(v)).filter((v) => v !== undefined);
  ctx.emit({ type: "product.updated", at: ctx.now(), product: structuredClone(product), variants: structuredClone(variants) });
}

export const publicationMutations: ResolverMap = {
  Mutation: defineType<unknown>({
    publishablePublish: (_s, args, ctx, info) => perform(ctx, args, true, String(info.path.key)),
    publishableUnpublish: (_s, args, ctx, info) => perform(ctx, args, false, String(info.path.key)),
  }),
};
