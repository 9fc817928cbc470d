/**
 * Safestock's cart and checkout validation Function (target `cart.validations.generate.run`,
 * https://shopify.dev/docs/api/functions/latest/cart-and-checkout-validation).
 *
 * Safestock publishes each variant's per-channel available-to-sell (ATS) in the merchant-owned
 * metafield `safestock.channels` (readable by connectors too: docs/decisions/017), e.g.
 *   {"channels":{"online_store":{"available":4,"paused":false},"wholesale":{"available":0,"paused":true}}}
 * (app/domain/inventory-writes.ts `channelMetafieldValue`). Checkout is the Online Store channel,
 * so a line is blocked when that channel is paused for the variant or when the cart asks for more
 * units than its `available`.
 *
 * Rules that keep this safe to run on a real shop:
 * - Pure: no imports, no Node APIs, no network, no clock. The CLI compiles this to Wasm with
 *   javy (QuickJS) and Shopify runs it under an ~11M instruction budget
 *   (https://shopify.dev/docs/apps/build/functions/programming-languages/javascript-for-functions).
 * - Fail open: a line whose variant has no Safestock metafield, or one we cannot read, passes.
 *   Safestock must never block a shop (or a product) where it has not published numbers.
 * - Only block where checkout is decided (see `BLOCKING_STEPS`).
 *
 * The types below are what `shopify app function typegen` generates from
 * src/cart_validations_generate_run.graphql and schema.graphql (the template imports them from
 * ../generated/api). They are written out so the repository type-checks without the CLI; the
 * fixture tests check the query and every fixture's output against the official schema.
 */

/** `BuyerJourneyStep` (https://shopify.dev/docs/api/functions/latest/cart-and-checkout-validation#buyerjourneystep). */
export type BuyerJourneyStep = "CART_INTERACTION" | "CHECKOUT_INTERACTION" | "CHECKOUT_COMPLETION";

export interface CartValidationsGenerateRunInput {
  buyerJourney: { step?: BuyerJourneyStep | null };
  cart: {
    lines: ReadonlyArray<{
      quantity: number;
      /** `... on ProductVariant { … }`: a CustomProduct line comes back as `{}`. */
      merchandise: {
        id?: string;
        sku?: string | null;
        metafield?: { value: string } | null;
      };
    }>;
  };
}

/** `ValidationError`: `target` follows the input query's path (`$.cart.lines[0].quantity`). */
export interface ValidationError {
  message: string;
  target: string;
}

export interface CartValidationsGenerateRunResult {
  operations: Array<{ validationAdd: { errors: ValidationError[] } }>;
}

/** The sales channel checkout sells through (Safestock's channel handle for the Online Store). */
export const CHECKOUT_CHANNEL = "online_store";

/**
 * Steps at which Safestock returns errors. Shopify runs the Function on every cart interaction too
 * (`CART_INTERACTION`: cartLinesAdd/Update from the theme or Storefront API), where an error makes
 * the cart mutation itself fail with `VALIDATION_CUSTOM`
 * (https://shopify.dev/docs/apps/build/checkout/cart-checkout-validation/create-server-side-validation).
 * That would turn Safestock into an add-to-cart blocker for a number that can change before the
 * buyer pays: Shopify does not reserve stock at add-to-cart, units only leave `available` when the
 * order is placed. So the number is enforced once the buyer is in checkout. An unknown or null step
 * also passes (fail open).
 */
const BLOCKING_STEPS: readonly string[] = ["CHECKOUT_INTERACTION", "CHECKOUT_COMPLETION"];

export const NOT_AVAILABLE_MESSAGE = "This item is not available right now";
export const onlyLeftMessage = (available: number): string => `Only ${available} left — please lower the quantity`;

interface ChannelAts {
  available: number;
  paused: boolean;
}

/** The online-store numbers in a metafield value, or null when there is nothing usable (fail open). */
function onlineStoreAts(value: string | null | undefined): ChannelAts | null {
  if (typeof value !== "string" || value === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const channels = (parsed as { channels?: unknown }).channels;
  if (typeof channels !== "object" || channels === null) return null;
  const entry = (channels as Record<string, unknown>)[CHECKOUT_CHANNEL];
  if (typeof entry !== "object" || entry === null) return null;
  const { available, paused } = entry as { available?: unknown; paused?: unknown };
  if (typeof available !== "number" || !Number.isFinite(available)) return null;
  return { available: Math.max(0, Math.floor(available)), paused: paused === true };
}

export function cartValidationsGenerateRun(input: CartValidationsGenerateRunInput): CartValidationsGenerateRunResult {
  const errors: ValidationError[] = [];
  const step = input.buyerJourney?.step ?? null;

  if (step !== null && BLOCKING_STEPS.indexOf(step) !== -1) {
    const lines = input.cart.lines;

    // The same variant can sit on several lines (different line attributes or selling plans):
    // stock is per variant, so compare the cart's total for the variant, not each line alone.
    const totals: Record<string, number> = {};
    for (const line of lines) {
      const id = line.merchandise.id;
      if (id !== undefined) totals[id] = (totals[id] ?? 0) + line.quantity;
    }

    for (let i = 0; i < lines.length; i++) {
      const { merchandise, quantity } = lines[i];
      const ats = onlineStoreAts(merchandise.metafield?.value);
      if (ats === null) continue;
      const wanted = merchandise.id !== undefined ? totals[merchandise.id] : quantity;
      // Target the line's quantity so checkout shows the message next to the line it is about.
      const target = `$.cart.lines[${i}].quantity`;
      if (ats.paused || ats.available <= 0) {
        errors.push({ message: NOT_AVAILABLE_MESSAGE, target });
      } else if (wanted > ats.available) {
        errors.push({ message: onlyLeftMessage(ats.available), target });
      }
    }
  }

  // One validationAdd, as the template returns, even when empty: "no errors" is an explicit answer.
  return { operations: [{ validationAdd: { errors } }] };
}
