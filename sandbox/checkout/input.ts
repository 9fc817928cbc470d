/**
 * Builds a cart-validation Function's input the way Shopify does: by executing the extension's
 * input query against the cart and the shop (https://shopify.dev/docs/apps/build/functions/input-output).
 * Here the "shop" is the emulator's snapshot and the resolvers are a small graph over it — only
 * what a stock-check Function plausibly asks for. Any other field of the official schema errors
 * with `Field 'Type.field' is not emulated by the Safestock sandbox checkout`, so a query that
 * grows past the emulation fails loudly instead of receiving made-up data.
 */
import { executeSync, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import type { MetafieldRecord, ShopStateSnapshot, VariantRecord } from "../contract.js";
import { resolveNamespace } from "../admin-api/resolvers/metafields.js";

export type BuyerJourneyStep = "CART_INTERACTION" | "CHECKOUT_INTERACTION" | "CHECKOUT_COMPLETION";
export const BUYER_JOURNEY_STEPS: readonly BuyerJourneyStep[] = ["CART_INTERACTION", "CHECKOUT_INTERACTION", "CHECKOUT_COMPLETION"];

export interface CheckoutLineInput {
  variantId: string;
  quantity: number;
}

/** A cart attribute (Storefront `AttributeInput`); checkout UI extensions set them with applyAttributeChange. */
export interface CartAttributeInput {
  key: string;
  value: string;
}

/** Shopify keeps one value per attribute key: the last one set wins. */
function attributeResolver(attributes: readonly CartAttributeInput[]) {
  return (args: Args) => {
    const found = [...attributes].reverse().find((attribute) => attribute.key === args.key);
    return found ? { key: found.key, value: found.value } : null;
  };
}

/** A cart Shopify would refuse before any Function runs (Storefront `CartErrorCode`). */
export class CheckoutCartError extends Error {
  constructor(
    message: string,
    readonly code: "INVALID_MERCHANDISE_LINE" | "INVALID" | "MERCHANDISE_NOT_APPLICABLE",
    readonly lineIndex: number | null,
  ) {
    super(message);
    this.name = "CheckoutCartError";
  }
}

type Args = Record<string, unknown>;
type Node = Record<string, unknown>;

/** The sandbox's shops price in USD (the emulator has no currency settings). */
const CURRENCY = "USD";
const money = (amount: number) => ({ amount: amount.toFixed(2), currencyCode: CURRENCY });

/**
 * Resolve `metafield(namespace:, key:)` for an owner. `$app:safestock` → `app--<apiKey>--safestock`,
 * an omitted namespace → `app--<apiKey>`: the same rule as the Admin API (docs/decisions/016 §11),
 * which is also how Functions resolve app-reserved namespaces
 * (https://shopify.dev/docs/apps/build/custom-data/ownership#reserved-prefixes).
 */
function metafieldResolver(metafields: readonly MetafieldRecord[], ownerId: string | null, apiKey: string) {
  return (args: Args) => {
    if (ownerId === null) return null;
    const namespace = resolveNamespace(args.namespace as string | null | undefined, apiKey);
    const m = metafields.find((x) => x.ownerId === ownerId && x.namespace === namespace && x.key === args.key);
    if (!m) return null;
    let jsonValue: unknown = m.value;
    if (m.type === "json" || m.type.startsWith("list.")) {
      try {
        jsonValue = JSON.parse(m.value);
      } catch {
        jsonValue = m.value;
      }
    }
    return { value: m.value, type: m.type, jsonValue };
  };
}

/** The root value for the input query: `Input` over one cart on one shop. */
export function functionInputGraph(options: {
  snapshot: ShopStateSnapshot;
  apiKey: string;
  lines: readonly CheckoutLineInput[];
  step: BuyerJourneyStep;
  attributes?: readonly CartAttributeInput[];
}): Node {
  const { snapshot, apiKey, lines, step } = options;
  const attributes = options.attributes ?? [];
  attributes.forEach((attribute, index) => {
    if (typeof attribute?.key !== "string" || attribute.key === "" || typeof attribute.value !== "string") {
      throw new CheckoutCartError(`Attribute ${index}: key and value must be strings`, "INVALID", null);
    }
  });
  const variants = new Map(snapshot.variants.map((v) => [v.id, v]));
  const products = new Map(snapshot.products.map((p) => [p.id, p]));
  const items = new Map(snapshot.inventoryItems.map((i) => [i.id, i]));
  const shopOwner = snapshot.metafields.find((m) => m.ownerId.startsWith("gid://shopify/Shop/"))?.ownerId ?? null;

  const resolvedLines = lines.map((line, index) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      throw new CheckoutCartError(`Line ${index}: quantity must be a positive integer`, "INVALID", index);
    }
    const variant: VariantRecord | undefined = variants.get(line.variantId);
    if (!variant) throw new CheckoutCartError(`Line ${index}: merchandise ${line.variantId} does not exist`, "INVALID_MERCHANDISE_LINE", index);
    const product = products.get(variant.productId);
    if (!product || product.status !== "ACTIVE") {
      throw new CheckoutCartError(`Line ${index}: ${line.variantId} is not for sale (product not active)`, "MERCHANDISE_NOT_APPLICABLE", index);
    }
    return { line, variant, product, index };
  });

  const cartLines = resolvedLines.map(({ line, variant, product, index }) => {
    const price = Number(variant.price) || 0;
    const tags = new Set(product.tags);
    return {
      id: `gid://shopify/CartLine/${index + 1}`,
      quantity: line.quantity,
      attribute: () => null,
      discountAllocations: [],
      parentRelationship: null,
      sellingPlanAllocation: null,
      cost: {
        amountPerQuantity: money(price),
        compareAtAmountPerQuantity: null,
        subtotalAmount: money(price * line.quantity),
        totalAmount: money(price * line.quantity),
      },
      merchandise: {
        __typename: "ProductVariant",
        id: variant.id,
        sku: variant.sku || null,
        title: variant.title,
        requiresShipping: items.get(variant.inventoryItemId)?.requiresShipping ?? true,
        metafield: metafieldResolver(snapshot.metafields, variant.id, apiKey),
        product: {
          id: product.id,
          title: product.title,
          handle: product.handle,
          vendor: product.vendor || null,
          productType: product.productType || null,
          isGiftCard: false,
          hasAnyTag: (args: Args) => (args.tags as string[]).some((t) => tags.has(t)),
          hasTags: (args: Args) => (args.tags as string[]).map((tag) => ({ tag, hasTag: tags.has(tag) })),
          metafield: metafieldResolver(snapshot.metafields, product.id, apiKey),
        },
      },
    };
  });

  const subtotal = resolvedLines.reduce((sum, { line, variant }) => sum + (Number(variant.price) || 0) * line.quantity, 0);
  return {
    buyerJourney: { step },
    presentmentCurrencyRate: "1.0",
    cart: {
      lines: cartLines,
      attribute: attributeResolver(attributes),
      buyerIdentity: null,
      billingAddress: null,
      retailLocation: null,
      poNumber: null,
      cost: { subtotalAmount: money(subtotal), totalAmount: money(subtotal), totalDutyAmount: null, totalTaxAmount: null },
      metafield: () => null,
    },
    shop: { metafield: metafieldResolver(snapshot.metafields, shopOwner, apiKey) },
    // The Validation object's own metafields are set per validation (validationCreate); the sandbox has none.
    validation: { metafield: () => null },
  };
}

/** Properties are fields; functions are fields with arguments; anything absent is not emulated. */
const graphResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, _ctx, info) => {
  const value = (source as Node)[info.fieldName];
  if (typeof value === "function") return (value as (a: Args) => unknown)(args);
  if (value === undefined) throw new Error(`Field '${info.parentType.name}.${info.fieldName}' is not emulated by the Safestock sandbox checkout`);
  return value;
};

/** Execute the (already validated) input query over the graph: the Function's input, as JSON. */
export function executeInputQuery(schema: GraphQLSchema, document: DocumentNode, graph: Node): Record<string, unknown> {
  const result = executeSync({ schema, document, rootValue: graph, fieldResolver: graphResolver });
  if (result.errors?.length) {
    throw new Error(`Could not build the Function input:\n  ${result.errors.map((e) => `${e.message} (at ${e.path?.join(".") ?? "?"})`).join("\n  ")}`);
  }
  // Through JSON, as Shopify hands the Function a JSON document (drops graphql-js's null prototypes).
  return JSON.parse(JSON.stringify(result.data)) as Record<string, unknown>;
}
