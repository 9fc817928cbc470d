/**
 * A shop whose variants share SKUs or have none, as Shopify allows and many shops do
 * (docs/decisions/020). The emulator emulates no product mutation, so the products are
 * created the way its seed creates them, on an otherwise empty shop (three locations, four
 * publications), before the app is installed; everything after that goes through the Admin API.
 */
import type { ShopFactory } from "../../sandbox";
import { createShopEmulator } from "../../sandbox";
import { addProduct, type NewProductInput } from "../../sandbox/shop/seed";

/** `available` per location, in seed order: Warehouse (fulfils online orders), Soho store, Brooklyn store. */
export interface TwinVariant {
  title: string;
  sku: string;
  available: [number, number, number];
  /** Safety stock the merchant set before installing Safestock, per location (default none). */
  safetyStock?: [number, number, number];
  policy?: "DENY" | "CONTINUE";
}

export interface TwinProduct {
  title: string;
  tags?: string[];
  variants: TwinVariant[];
}

/** Tee: two variants carry TEE with very different stock. Sticker: two variants without a SKU. */
export const TWIN_PRODUCTS: TwinProduct[] = [
  {
    title: "Tee",
    tags: ["basics"],
    variants: [
      { title: "Blue", sku: "TEE", available: [10, 2, 0] },
      { title: "Navy", sku: "TEE", available: [1, 0, 0] },
    ],
  },
  {
    title: "Sticker",
    variants: [
      { title: "Round", sku: "", available: [6, 0, 0] },
      { title: "Square", sku: "", available: [3, 4, 0] },
    ],
  },
];

/**
 * A shop factory for startHarness({ createShop }) whose shops hold `products`, published on every
 * channel, added to the `seed` shop (default: an empty one).
 */
export function twinsShopFactory(products: TwinProduct[] = TWIN_PRODUCTS, seed: "empty" | "default" = "empty"): ShopFactory {
  return (options) => {
    const shop = createShopEmulator({ ...options, seed });
    if (options.restore !== undefined) return shop;
    const now = shop.clock.now().toISOString();
    for (const product of products) {
      const input: NewProductInput = {
        title: product.title,
        handle: product.title.toLowerCase(),
        tags: product.tags ?? [],
        variants: product.variants.map((variant) => ({
          title: variant.title,
          sku: variant.sku,
          price: "20.00",
          policy: variant.policy,
          quantities: variant.available.map((available, i) => ({ available, safety_stock: variant.safetyStock?.[i] ?? 0 })),
        })),
      };
      const created = addProduct(shop.state, input, now);
      for (const publication of shop.state.publications.values()) publication.published[created.id] = now;
    }
    return shop;
  };
}

/** The variant of `product` titled `title` (SKUs do not tell twins apart). */
export function twinVariant(snapshot: { products: { id: string; title: string }[]; variants: { productId: string; title: string; id: string; inventoryItemId: string; sku: string }[] }, product: string, title: string) {
  const productId = snapshot.products.find((entry) => entry.title === product)?.id;
  const variant = snapshot.variants.find((entry) => entry.productId === productId && entry.title === title);
  if (!variant) throw new Error(`no variant ${product} / ${title}`);
  return variant;
}
