/**
 * Fixed bundles (2026-10): `productVariantRelationshipBulkUpdate` gives a parent variant its
 * components, and `ProductVariant.requiresComponents` / `productVariantComponents` /
 * `productParents` read them back
 * (shopify.dev/docs/api/admin-graphql/latest/mutations/productVariantRelationshipBulkUpdate,
 * shopify.dev/docs/apps/build/product-merchandising/bundles/add-variant-fixed-bundle). What an order
 * for a bundle does to inventory is in ./orders.ts (`withBundlesExpanded`). Limits the docs state:
 * at most 30 components per bundle; a component cannot itself be a bundle (NESTED_PARENT_PRODUCT_VARIANT,
 * "bundles can't be nested" is the stricter reading); a gift card cannot be a parent.
 * `productBundleCreate` (asynchronous, product-level) is not emulated: see sandbox/shop/README.md.
 */
import type { Gid, VariantRecord } from "../../contract.js";
import type { ShopState } from "../../shop/state.js";
import type { ApiContext } from "../context.js";
import { connection, defineType, plain, type Args, type ResolverMap } from "../resolvers/common.js";

/** "Each bundle variant can contain up to 30 component variants" (productVariantRelationshipBulkUpdate). */
export const MAX_BUNDLE_COMPONENTS = 30;
/** ProductBundleComponentInput.quantity: "This field can't exceed 2000." */
const MAX_COMPONENT_QUANTITY = 2000;

interface RelationshipError {
  field: string[];
  message: string;
  code: string;
}

interface ComponentSource {
  id: Gid;
  variantId: Gid;
  quantity: number;
}

/** One component of a bundle as the API shows it; its id is derived from the pair (stable across reads). */
function componentsOf(variant: VariantRecord): ComponentSource[] {
  return (variant.components ?? []).map((component) => ({
    // Unique per (bundle, component), like InventoryLevel's `?inventory_item_id=` (docs/decisions/016 §8) [shape inferred].
    id: `gid://shopify/ProductVariantComponent/${variant.legacyId}?product_variant_id=${component.variantId.split("/").pop()}`,
    variantId: component.variantId,
    quantity: component.quantity,
  }));
}

/** Products with a variant that has `variantId` among its components. */
function parentProductsOf(state: ShopState, variantId: Gid) {
  const products = new Set<Gid>();
  for (const variant of state.variants.values()) {
    if (variant.components?.some((component) => component.variantId === variantId)) products.add(variant.productId);
  }
  return [...products].map((id) => state.products.get(id)!).filter(Boolean);
}

function applyRelationship(state: ShopState, input: Args, index: number, now: string): RelationshipError[] {
  const at = (...path: string[]) => ["input", String(index), ...path];
  const parentId = (input.parentProductVariantId as Gid | undefined) ?? state.products.get(input.parentProductId as Gid)?.variantIds[0];
  if (!parentId) return [{ field: at(), message: "A parent product variant or parent product must be given.", code: "PARENT_REQUIRED" }];
  const parent = state.variants.get(parentId);
  if (!parent) return [{ field: at("parentProductVariantId"), message: "The product variants were not found.", code: "PRODUCT_VARIANTS_NOT_FOUND" }];
  if (state.products.get(parent.productId)?.isGiftCard) {
    return [{ field: at("parentProductVariantId"), message: "A gift card can't be a bundle.", code: "PARENT_PRODUCT_VARIANT_CANNOT_BE_GIFT_CARD" }];
  }
  const components = new Map((input.removeAllProductVariantRelationships ? [] : parent.components ?? []).map((c) => [c.variantId, c.quantity]));
  const errors: RelationshipError[] = [];
  const upsert = (list: unknown, name: string, mustExist: boolean) =>
    ((list ?? []) as Args[]).forEach((relationship, i) => {
      const id = relationship.id as Gid;
      const child = state.variants.get(id);
      const quantity = relationship.quantity as number;
      if (!child) errors.push({ field: at(name, String(i), "id"), message: "The product variants were not found.", code: "PRODUCT_VARIANTS_NOT_FOUND" });
      else if (child.id === parent.id) errors.push({ field: at(name, String(i), "id"), message: "A bundle can't contain itself.", code: "CIRCULAR_REFERENCE" });
      else if (child.components?.length) errors.push({ field: at(name, String(i), "id"), message: "A bundle can't contain another bundle.", code: "NESTED_PARENT_PRODUCT_VARIANT" });
      else if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_COMPONENT_QUANTITY) {
        errors.push({ field: at(name, String(i), "quantity"), message: `Quantity must be between 1 and ${MAX_COMPONENT_QUANTITY}.`, code: "INVALID_QUANTITY" });
      } else if (mustExist && !components.has(id)) {
        errors.push({ field: at(name, String(i), "id"), message: "The product variants are not components of the bundle.", code: "PRODUCT_VARIANTS_NOT_COMPONENTS" });
      } else components.set(id, quantity);
    });
  upsert(input.productVariantRelationshipsToCreate, "productVariantRelationshipsToCreate", false);
  upsert(input.productVariantRelationshipsToUpdate, "productVariantRelationshipsToUpdate", true);
  for (const id of (input.productVariantRelationshipsToRemove ?? []) as Gid[]) components.delete(id);
  if (components.size > MAX_BUNDLE_COMPONENTS) {
    errors.push({ field: at("productVariantRelationshipsToCreate"), message: `A bundle can have at most ${MAX_BUNDLE_COMPONENTS} components.`, code: "EXCEEDED_PRODUCT_VARIANT_RELATIONSHIP_LIMIT" });
  }
  // A variant that is a component of another bundle cannot become a bundle (no nesting).
  if (components.size > 0 && [...state.variants.values()].some((v) => v.components?.some((c) => c.variantId === parent.id))) {
    errors.push({ field: at("parentProductVariantId"), message: "A bundle can't contain another bundle.", code: "NESTED_PARENT_PRODUCT_VARIANT" });
  }
  if (errors.length) return errors;
  parent.components = [...components].map(([variantId, quantity]) => ({ variantId, quantity }));
  parent.updatedAt = now;
  return [];
}

/** All or nothing: an input with an error changes no bundle (the stricter reading; partial success is undocumented). */
function productVariantRelationshipBulkUpdate(ctx: ApiContext, args: Args) {
  const inputs = (args.input ?? []) as Args[];
  const draft = structuredClone([...ctx.state.variants.values()].map((v) => [v.id, v.components] as const));
  const errors = inputs.flatMap((input, i) => applyRelationship(ctx.state, input, i, ctx.now()));
  if (errors.length) {
    for (const [id, components] of draft) {
      const variant = ctx.state.variants.get(id)!;
      if (components) variant.components = components;
      else delete variant.components;
    }
    return { parentProductVariants: null, userErrors: errors };
  }
  const parents = inputs.map((input) => ctx.state.variants.get((input.parentProductVariantId as Gid | undefined) ?? ctx.state.products.get(input.parentProductId as Gid)!.variantIds[0]!)!);
  return { parentProductVariants: parents, userErrors: [] };
}

export const bundleResolvers: ResolverMap = {
  Mutation: defineType<unknown>({
    productVariantRelationshipBulkUpdate: (_s, args, ctx) => productVariantRelationshipBulkUpdate(ctx, args),
  }),
  ProductVariant: defineType<VariantRecord>({
    requiresComponents: (v) => (v.components?.length ?? 0) > 0,
    productVariantComponents: (v, args) => connection(componentsOf(v), args),
    productParents: (v, args, ctx) => connection(parentProductsOf(ctx.state, v.id), args),
  }),
  Product: defineType<{ id: Gid; variantIds: Gid[] }>({
    hasVariantsThatRequiresComponents: (p, _a, ctx) => p.variantIds.some((id) => (ctx.state.variants.get(id)?.components?.length ?? 0) > 0),
  }),
  ProductVariantComponent: defineType<ComponentSource>({
    ...plain<ComponentSource>("id", "quantity"),
    productVariant: (c, _a, ctx) => ctx.state.variants.get(c.variantId) ?? null,
  }),
  LineItemGroup: defineType<{ id: Gid; title: string; quantity: number; variantId: Gid; productId: Gid; variantSku: string | null; customAttributes: unknown[] }>(
    plain("id", "title", "quantity", "variantId", "productId", "variantSku", "customAttributes"),
  ),
};
