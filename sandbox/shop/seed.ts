/**
 * Deterministic seeds (no Math.random, no wall clock: timestamps come from the emulator clock).
 *
 * `default`: the shop the app, the admin page and the tests share; `empty`: a shop with its
 * locations and publications but no products; `{ variants: N }`: a generated catalog for
 * benchmarks (e.g. 10,000 variants), quantities from a seeded PRNG.
 *
 * `realistic` (and `{ variants: N, catalog: "realistic" }`) adds what real shops have and the
 * plain seeds lack: SKUs shared by several variants, variants with no SKU, variants that keep
 * selling when out of stock (`inventoryPolicy: CONTINUE`: preorders, backorders) and variants whose
 * inventory is not tracked. `npm run sandbox` seeds it by default (sandbox/cli.ts).
 */
import type { Gid, InventoryItemRecord, LocationRecord, ProductRecord, PublicationRecord, QuantityName, VariantRecord } from "../contract.js";
import { gid } from "./ids.js";
import { addLevel, nextLegacyId, type ShopState } from "./state.js";
import { createPrng } from "../prng.js";

export interface GeneratedSeedOptions {
  /** Number of variants to create. */
  variants: number;
  /**
   * "plain" (default): a unique SKU per variant, every variant tracked and DENY. "realistic": about
   * 1 in 50 variants has no SKU, 1 in 40 shares the previous variant's SKU, 1 in 30 keeps selling
   * when out of stock (CONTINUE), 1 in 60 is not tracked (see REALISTIC_EVERY).
   */
  catalog?: "plain" | "realistic";
  /** Variants per product (default 4). */
  variantsPerProduct?: number;
  /** Number of locations (default 3: Warehouse, Soho store, Brooklyn store, then "Store 4", …). */
  locations?: number;
  /** PRNG seed for quantities (default 1). */
  seed?: number;
  /** Largest `available` per level (default 50). */
  maxAvailable?: number;
}

export type SeedOption = "default" | "empty" | "realistic" | GeneratedSeedOptions;

/** Publications every seed creates: name, channelHandle. */
export const SEED_PUBLICATIONS = [
  { name: "Online Store", channelHandle: "online_store" },
  { name: "Point of Sale", channelHandle: "pos" },
  { name: "Marketplace", channelHandle: "marketplace" },
  { name: "Wholesale", channelHandle: "wholesale" },
] as const;

export const SEED_LOCATIONS = [
  { name: "Warehouse", fulfillsOnlineOrders: true },
  { name: "Soho store", fulfillsOnlineOrders: false },
  { name: "Brooklyn store", fulfillsOnlineOrders: false },
] as const;

interface SeedVariant {
  title: string;
  /** "" = no SKU (Shopify allows it; many shops leave it blank) */
  sku: string;
  price: string;
  /** available at [Warehouse, Soho, Brooklyn] */
  available: [number, number, number];
  policy?: "DENY" | "CONTINUE";
  /** false: Shopify does not track this item's inventory (default true) */
  tracked?: boolean;
  /** false: nothing ships (a digital good or service; default true) */
  requiresShipping?: boolean;
  /**
   * A fixed bundle: the SKUs of its components and units of each per bundle. Its own inventory
   * item is not tracked: a bundle has no stock of its own, it sells its components'
   * (shopify.dev/docs/apps/build/product-merchandising/bundles/add-variant-fixed-bundle).
   */
  components?: { sku: string; quantity: number }[];
}

interface SeedProduct {
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  tags: string[];
  status?: ProductRecord["status"];
  isGiftCard?: boolean;
  /** channel handles it is published on */
  channels: string[];
  variants: SeedVariant[];
}

const ALL = ["online_store", "pos", "marketplace", "wholesale"];

/** The default catalog (see the table in sandbox/shop/README.md). */
export const DEFAULT_PRODUCTS: SeedProduct[] = [
  {
    title: "Gold Ring", handle: "gold-ring", vendor: "Safestock Jewels", productType: "Rings", tags: ["bestseller"], channels: ALL,
    variants: [
      { title: "6", sku: "RING-6", price: "129.00", available: [12, 2, 0] },
      { title: "7", sku: "RING-7", price: "129.00", available: [8, 3, 1] },
      { title: "8", sku: "RING-8", price: "129.00", available: [0, 1, 0] },
    ],
  },
  {
    title: "Silver Necklace", handle: "silver-necklace", vendor: "Safestock Jewels", productType: "Necklaces", tags: ["promo"], channels: ALL,
    variants: [
      { title: "16 in", sku: "NECK-16", price: "89.00", available: [20, 4, 4] },
      { title: "18 in", sku: "NECK-18", price: "89.00", available: [15, 0, 2] },
      { title: "20 in", sku: "NECK-20", price: "95.00", available: [5, 0, 0] },
    ],
  },
  {
    title: "Linen Shirt", handle: "linen-shirt", vendor: "Safestock Apparel", productType: "Shirts", tags: ["bestseller", "summer"], channels: ["online_store", "pos", "marketplace"],
    variants: [
      { title: "S", sku: "SHIRT-S", price: "59.00", available: [30, 5, 5] },
      { title: "M", sku: "SHIRT-M", price: "59.00", available: [42, 6, 3] },
      { title: "L", sku: "SHIRT-L", price: "59.00", available: [25, 0, 4] },
      { title: "XL", sku: "SHIRT-XL", price: "59.00", available: [3, 1, 0] },
    ],
  },
  {
    title: "Canvas Tote", handle: "canvas-tote", vendor: "Safestock Goods", productType: "Bags", tags: ["promo"], channels: ["online_store", "pos", "wholesale"],
    variants: [
      { title: "Natural", sku: "TOTE-NAT", price: "24.00", available: [120, 10, 8] },
      { title: "Black", sku: "TOTE-BLK", price: "24.00", available: [60, 0, 6] },
    ],
  },
  {
    title: "Ceramic Mug", handle: "ceramic-mug", vendor: "Safestock Goods", productType: "Kitchen", tags: [], channels: ["online_store", "pos"],
    variants: [
      { title: "White", sku: "MUG-WHT", price: "18.00", available: [48, 12, 12] },
      { title: "Blue", sku: "MUG-BLU", price: "18.00", available: [2, 0, 0] },
    ],
  },
  {
    title: "Wool Scarf", handle: "wool-scarf", vendor: "Safestock Apparel", productType: "Accessories", tags: ["winter"], channels: ["online_store", "pos", "marketplace", "wholesale"],
    variants: [
      { title: "Grey", sku: "SCARF-GRY", price: "45.00", available: [0, 0, 0], policy: "CONTINUE" },
      { title: "Red", sku: "SCARF-RED", price: "45.00", available: [7, 2, 0] },
    ],
  },
];

/**
 * What the `realistic` seed adds to the default catalog (see sandbox/shop/README.md): RING-7 and
 * SHIRT-M carried by a second product's variant as well, one SKU on both variants of a product,
 * blank SKUs, a preorder (CONTINUE at 0) and a backorder item (CONTINUE with a little stock), and
 * untracked items (gift wrap, engraving), one of them without a SKU.
 */
export const REALISTIC_EXTRA_PRODUCTS: SeedProduct[] = [
  {
    title: "Gold Ring (engraved)", handle: "gold-ring-engraved", vendor: "Safestock Jewels", productType: "Rings", tags: ["bestseller"], channels: ["online_store", "pos"],
    variants: [{ title: "7", sku: "RING-7", price: "149.00", available: [2, 0, 0] }],
  },
  {
    title: "Linen Shirt Gift Set", handle: "linen-shirt-gift-set", vendor: "Safestock Apparel", productType: "Shirts", tags: ["summer"], channels: ["online_store", "marketplace"],
    variants: [{ title: "M", sku: "SHIRT-M", price: "69.00", available: [4, 1, 0] }],
  },
  {
    title: "Enamel Pin", handle: "enamel-pin", vendor: "Safestock Goods", productType: "Accessories", tags: ["promo"], channels: ALL,
    variants: [
      { title: "Gold", sku: "PIN-ENAMEL", price: "12.00", available: [6, 1, 0] },
      { title: "Silver", sku: "PIN-ENAMEL", price: "12.00", available: [4, 0, 1] },
    ],
  },
  {
    title: "Sticker Pack", handle: "sticker-pack", vendor: "Safestock Goods", productType: "Stationery", tags: [], channels: ["online_store", "pos"],
    variants: [
      { title: "Holo", sku: "", price: "6.00", available: [40, 5, 5] },
      { title: "Matte", sku: "", price: "6.00", available: [25, 0, 3] },
    ],
  },
  {
    title: "Ceramic Planter", handle: "ceramic-planter", vendor: "Safestock Goods", productType: "Home", tags: ["preorder"], channels: ["online_store", "pos", "marketplace"],
    variants: [
      { title: "Large (preorder)", sku: "PLANTER-L", price: "64.00", available: [0, 0, 0], policy: "CONTINUE" },
      { title: "Small (backorder)", sku: "PLANTER-S", price: "38.00", available: [3, 0, 1], policy: "CONTINUE" },
    ],
  },
  {
    title: "Gift Wrap", handle: "gift-wrap", vendor: "Safestock Goods", productType: "Service", tags: [], channels: ["online_store"],
    variants: [
      { title: "Default Title", sku: "GIFT-WRAP", price: "5.00", available: [0, 0, 0], tracked: false },
      { title: "Engraving", sku: "", price: "15.00", available: [0, 0, 0], tracked: false },
    ],
  },
  {
    title: "Gift Card", handle: "gift-card", vendor: "Safestock Goods", productType: "Gift Cards", tags: [], channels: ["online_store", "pos"], isGiftCard: true,
    variants: [{ title: "$25", sku: "GIFT-25", price: "25.00", available: [0, 0, 0], tracked: false }],
  },
  {
    title: "Care Guide (PDF)", handle: "care-guide", vendor: "Safestock Goods", productType: "Digital", tags: [], channels: ["online_store"],
    variants: [{ title: "Default Title", sku: "GUIDE-PDF", price: "4.00", available: [100, 0, 0], requiresShipping: false }],
  },
  {
    // A fixed bundle: one M linen shirt and two natural totes per set (docs: sandbox/shop/README.md "Bundles").
    title: "Summer Set", handle: "summer-set", vendor: "Safestock Apparel", productType: "Bundles", tags: ["summer"], channels: ["online_store", "pos", "marketplace"],
    variants: [{ title: "Shirt M + 2 Totes", sku: "SET-SUMMER", price: "99.00", available: [0, 0, 0], tracked: false, components: [{ sku: "SHIRT-M", quantity: 1 }, { sku: "TOTE-NAT", quantity: 2 }] }],
  },
];

/** The `realistic` kinds of variant in a generated catalog: one in `n` of them (by position). */
export const REALISTIC_EVERY = { blankSku: 50, sharedSku: 40, continueSelling: 30, untracked: 60 } as const;

function addLocation(state: ShopState, name: string, fulfillsOnlineOrders: boolean, now: string): LocationRecord {
  const legacyId = nextLegacyId(state, "Location");
  const loc: LocationRecord = { id: gid("Location", legacyId), legacyId, name, isActive: true, fulfillsOnlineOrders, createdAt: now, updatedAt: now };
  state.locations.set(loc.id, loc);
  return loc;
}

function addPublication(state: ShopState, name: string, channelHandle: string): PublicationRecord {
  const legacyId = nextLegacyId(state, "Publication");
  const pub: PublicationRecord = { id: gid("Publication", legacyId), legacyId, name, channelHandle, published: {} };
  state.publications.set(pub.id, pub);
  return pub;
}

export interface NewProductInput {
  title: string;
  handle: string;
  vendor?: string;
  productType?: string;
  tags?: string[];
  status?: ProductRecord["status"];
  isGiftCard?: boolean;
  variants: {
    title: string;
    sku: string;
    price: string;
    policy?: "DENY" | "CONTINUE";
    tracked?: boolean;
    requiresShipping?: boolean;
    quantities?: Partial<Record<QuantityName, number>>[];
  }[];
}

/** Create a product with variants, inventory items and a level at every active location. */
export function addProduct(state: ShopState, input: NewProductInput, now: string): ProductRecord {
  const legacyId = nextLegacyId(state, "Product");
  const product: ProductRecord = {
    id: gid("Product", legacyId), legacyId, title: input.title, handle: input.handle, status: input.status ?? "ACTIVE",
    tags: input.tags ?? [], vendor: input.vendor ?? state.shop.name, productType: input.productType ?? "", variantIds: [], createdAt: now, updatedAt: now,
    ...(input.isGiftCard ? { isGiftCard: true } : {}),
  };
  state.products.set(product.id, product);
  const locations = [...state.locations.values()].filter((l) => l.isActive);
  input.variants.forEach((v, i) => {
    const variantLegacy = nextLegacyId(state, "ProductVariant");
    const itemLegacy = nextLegacyId(state, "InventoryItem");
    const variantId: Gid = gid("ProductVariant", variantLegacy);
    const item: InventoryItemRecord = {
      id: gid("InventoryItem", itemLegacy), legacyId: itemLegacy, variantId, sku: v.sku, tracked: v.tracked ?? true, requiresShipping: v.requiresShipping ?? true, createdAt: now, updatedAt: now,
    };
    const variant: VariantRecord = {
      id: variantId, legacyId: variantLegacy, productId: product.id, title: v.title, sku: v.sku, price: v.price, position: i + 1,
      inventoryItemId: item.id, inventoryPolicy: v.policy ?? "DENY", createdAt: now, updatedAt: now,
    };
    state.variants.set(variant.id, variant);
    state.inventoryItems.set(item.id, item);
    product.variantIds.push(variant.id);
    locations.forEach((loc, li) => addLevel(state, item, loc.id, now, v.quantities?.[li] ?? {}));
  });
  return product;
}

function publish(state: ShopState, productId: Gid, channelHandles: string[], now: string): void {
  for (const pub of state.publications.values()) {
    if (channelHandles.includes(pub.channelHandle)) pub.published[productId] = now;
  }
}


/** A bundle's components by SKU: the first variant carrying each SKU (seeds only; the API links by variant id). */
function linkComponents(state: ShopState, bundle: VariantRecord, components: { sku: string; quantity: number }[]): void {
  bundle.components = components.map(({ sku, quantity }) => {
    const variant = [...state.variants.values()].find((v) => v.sku === sku && v.id !== bundle.id);
    if (!variant) throw new Error(`seed bundle ${bundle.sku}: no variant with SKU ${sku}`);
    return { variantId: variant.id, quantity };
  });
}

export function seedState(state: ShopState, seed: SeedOption, now: string): void {
  const locationCount = typeof seed === "object" ? Math.max(1, seed.locations ?? 3) : 3;
  for (let i = 0; i < locationCount; i++) {
    const known = SEED_LOCATIONS[i];
    addLocation(state, known?.name ?? `Store ${i + 1}`, known?.fulfillsOnlineOrders ?? false, now);
  }
  for (const p of SEED_PUBLICATIONS) addPublication(state, p.name, p.channelHandle);
  if (seed === "empty") return;

  if (seed === "default" || seed === "realistic") {
    for (const p of seed === "realistic" ? [...DEFAULT_PRODUCTS, ...REALISTIC_EXTRA_PRODUCTS] : DEFAULT_PRODUCTS) {
      const product = addProduct(state, {
        ...p,
        variants: p.variants.map((v) => ({ ...v, quantities: v.available.map((available) => ({ available })) })),
      }, now);
      publish(state, product.id, p.channels, now);
      p.variants.forEach((v, i) => {
        if (v.components) linkComponents(state, state.variants.get(product.variantIds[i]!)!, v.components);
      });
    }
    return;
  }

  const rand = createPrng(seed.seed ?? 1);
  const perProduct = Math.max(1, seed.variantsPerProduct ?? 4);
  const maxAvailable = seed.maxAvailable ?? 50;
  const tagsCycle = [["bestseller"], ["promo"], [], ["bestseller", "promo"], []];
  const realistic = seed.catalog === "realistic";
  let made = 0;
  let previousSku = "";
  for (let p = 1; made < seed.variants; p++) {
    const n = Math.min(perProduct, seed.variants - made);
    const code = String(p).padStart(5, "0");
    const product = addProduct(state, {
      title: `Product ${code}`,
      handle: `product-${code}`,
      vendor: "Safestock Bench",
      productType: "Bench",
      tags: tagsCycle[p % tagsCycle.length]!,
      variants: Array.from({ length: n }, (_, i) => {
        // 1-based position in the catalog: the kinds below start after the first few variants.
        const position = made + i + 1;
        const is = (every: number) => realistic && position % every === 0;
        const sku = is(REALISTIC_EVERY.blankSku) ? "" : is(REALISTIC_EVERY.sharedSku) && previousSku ? previousSku : `SKU-${code}-${i + 1}`;
        if (sku) previousSku = sku;
        return {
          title: `Option ${i + 1}`,
          sku,
          price: "10.00",
          ...(is(REALISTIC_EVERY.continueSelling) ? { policy: "CONTINUE" as const } : {}),
          ...(is(REALISTIC_EVERY.untracked) ? { tracked: false } : {}),
          // ~1 in 6 levels is out of stock, like a real catalog
          quantities: Array.from({ length: locationCount }, () => ({ available: rand() < 0.17 ? 0 : Math.floor(rand() * maxAvailable) + 1 })),
        };
      }),
    }, now);
    publish(state, product.id, p % 3 === 0 ? ["online_store", "pos"] : ALL, now);
    made += n;
  }
}
