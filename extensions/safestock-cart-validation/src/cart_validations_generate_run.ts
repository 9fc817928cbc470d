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
 * Cart holds (docs/decisions/019, superseding 008's enforcement): the Online Store's number keeps
 * the units held in checkouts for their holders, so the value also lists the running holds:
 *   "holds":{"held":3,"keys":{"<hold key>":2}}
 * `held` is every unit held on the Online Store for the variant; `keys` names up to
 * MAX_LISTED_HOLDS holds by their random hold key. The holder's checkout carries its key in the
 * cart attribute HOLD_ATTRIBUTE (set by the checkout block), so its own units count for it and
 * every other cart can take only `available − held`. A hold that is not listed (past the bound)
 * still counts in `held` for everyone, its holder included: stricter, never kinder.
 *
 * The checkout block's answer (docs/decisions/044): the block also records in the cart attribute
 * HOLD_STATE_ATTRIBUTE whether the app is still being asked ("pending") and which quantities it
 * refused; a refused quantity blocks checkout here, on every surface (express wallets, accelerated
 * and agentic checkouts too), and a pending one explains a refusal its own hold may cause. A cart
 * without that attribute is judged by the numbers alone.
 *
 * Items that keep selling when out of stock (`"continueSelling":true`, Shopify's
 * `inventoryPolicy: CONTINUE`: preorders, backorders) are never blocked: Shopify lets their
 * `available` go below zero, and a number of 0 means "none on hand", not "stop selling".
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
    /** `attribute(key: "_safestockHold")`: the checkout's hold key, set by the checkout block. */
    attribute?: { value?: string | null } | null;
    /** `holdState: attribute(key: "_safestockHoldState")`: what the checkout block knows of its hold (HOLD_STATE_ATTRIBUTE). */
    holdState?: { value?: string | null } | null;
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
export const CHECKING_MESSAGE = "We're checking that this item is still available — try again in a moment";

/** The cart attribute carrying the checkout's hold key (a leading underscore hides it from the buyer). */
export const HOLD_ATTRIBUTE = "_safestockHold";

/**
 * At most this many holds are named per variant; the app lists the oldest and counts the rest
 * in `held` only. A value with four channels and 16 keys of 22 characters is about 700 bytes, far
 * below the 10,000 bytes a metafield may bring into the input, and a 50-line cart of such values
 * stays below the 64,000-byte input limit (SHOPIFY-FACTS "Checkout"; a unit test checks both).
 * The app keeps the same number (app/domain/inventory-writes.ts MAX_LISTED_HOLDS).
 */
export const MAX_LISTED_HOLDS = 16;

/**
 * The cart attribute where the checkout block records what it knows of its hold (docs/decisions/044,
 * which moved the block's buyer-journey intercept here: the intercept is deprecated from checkout UI
 * extensions 2026-07, "migrate to a cart and checkout validation Function",
 * https://shopify.dev/changelog/deprecating-the-usebuyerjourneyintercept-api-on-checkout-ui-extensions):
 *   "pending"                  the app is being asked; the key may already be listed but not yet on the cart
 *   "refused:<id>=<left>,…"    the app refused these variants (legacy ids): at most <left> units are left for this cart
 * Absent (the block removes it once the answer is applied, or never rendered: express wallets,
 * accelerated and agentic checkouts) the cart is judged by the numbers alone.
 */
export const HOLD_STATE_ATTRIBUTE = "_safestockHoldState";

interface HoldState {
  pending: boolean;
  /** Units left for this cart per refused variant's legacy id (the number after the last `/` of its GID). */
  refusedLeft: Record<string, number>;
}

/** The block's record; anything unreadable is no record (the attribute is the buyer's to edit: it can only be ignored, never made kinder). */
function holdStateOf(value: string | null | undefined): HoldState {
  const state: HoldState = { pending: value === "pending", refusedLeft: {} };
  if (typeof value !== "string" || value.indexOf("refused:") !== 0) return state;
  for (const entry of value.slice("refused:".length).split(",")) {
    const match = /^(\d+)=(\d+)$/.exec(entry);
    if (match !== null) state.refusedLeft[match[1]] = Number(match[2]);
  }
  return state;
}

const legacyIdOf = (id: string | undefined): string => (id === undefined ? "" : id.slice(id.lastIndexOf("/") + 1));

/** The app's refusal of this line, or the numbers' answer when there is none (or the cart already asks no more than it left). */
function leftAfterRefusal(state: HoldState, id: string | undefined, available: number): number {
  const legacyId = legacyIdOf(id);
  return Object.prototype.hasOwnProperty.call(state.refusedLeft, legacyId) ? Math.min(available, state.refusedLeft[legacyId]) : available;
}

interface Published {
  available: number;
  paused: boolean;
  continueSelling: boolean;
  /** Units held on the Online Store by every checkout. */
  held: number;
  /** Units per listed hold key. */
  keys: Record<string, number>;
  /**
   * A fixed bundle's components (`"components":[{"id","quantity","available"}]`): per component
   * variant, the units one bundle takes and the component's own Online Store number. An order for a
   * bundle commits its components, so the bundle line is checked against them (docs/decisions/034).
   */
  components: BundleComponent[];
}

interface BundleComponent {
  id: string;
  quantity: number;
  /** What any cart may take: the component's number less every checkout's held units. */
  available: number;
  /**
   * Per hold key, the units that checkout gets back of its own holds on the component
   * (`"keys":{"<hold key>":16}`): the holder may take `available` + this, what the component's own
   * value would let it take (docs/decisions/034 "Holds" in the app).
   */
  keys: Record<string, number>;
}

/** A bundle's components; an unreadable entry is left out (fail open on what we cannot read), unreadable keys give nothing back. */
function componentsOf(components: unknown): BundleComponent[] {
  if (!Array.isArray(components)) return [];
  const out: BundleComponent[] = [];
  for (const entry of components) {
    if (typeof entry !== "object" || entry === null) continue;
    const { id, quantity, available, keys } = entry as { id?: unknown; quantity?: unknown; available?: unknown; keys?: unknown };
    const per = wholeUnits(quantity);
    const units = wholeUnits(available);
    if (typeof id === "string" && per !== null && per > 0 && units !== null) out.push({ id, quantity: per, available: units, keys: unitsByKey(keys) });
  }
  return out;
}

/** `{"<key>":units}` with whole units only; anything else lists nothing. */
function unitsByKey(listed: unknown): Record<string, number> {
  const keys: Record<string, number> = {};
  if (typeof listed !== "object" || listed === null) return keys;
  for (const key of Object.keys(listed)) {
    const units = wholeUnits((listed as Record<string, unknown>)[key]);
    if (units !== null) keys[key] = units;
  }
  return keys;
}

/** What a bundle's list gives this checkout back of a component under its hold key. */
const givenBack = (component: BundleComponent, holdKey: string | null): number =>
  holdKey !== null && Object.prototype.hasOwnProperty.call(component.keys, holdKey) ? component.keys[holdKey] : 0;

const wholeUnits = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : null);

/** The holds part; an unreadable one counts as no holds (the value came from someone else: fail open). */
function holdsOf(holds: unknown): { held: number; keys: Record<string, number> } {
  if (typeof holds !== "object" || holds === null) return { held: 0, keys: {} };
  const held = wholeUnits((holds as { held?: unknown }).held) ?? 0;
  const keys = unitsByKey((holds as { keys?: unknown }).keys);
  for (const key of Object.keys(keys)) keys[key] = Math.min(keys[key], held);
  return { held, keys };
}

/** The online-store numbers in a metafield value, or null when there is nothing usable (fail open). */
function publishedFor(value: string | null | undefined): Published | null {
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
  const units = wholeUnits(available);
  if (units === null) return null;
  const { held, keys } = holdsOf((parsed as { holds?: unknown }).holds);
  const components = componentsOf((parsed as { components?: unknown }).components);
  return { available: units, paused: paused === true, continueSelling: (parsed as { continueSelling?: unknown }).continueSelling === true, held, keys, components };
}

/** What this cart may take: the number, less the units other checkouts hold. */
function availableToCart(published: Published, holdKey: string | null): number {
  const own = holdKey !== null && Object.prototype.hasOwnProperty.call(published.keys, holdKey) ? published.keys[holdKey] : 0;
  return Math.max(0, published.available - Math.max(0, published.held - own));
}

/** Per component variant: the units the whole cart takes (its own lines and every bundle's) and its number. */
interface ComponentUse {
  wanted: number;
  available: number;
}

/**
 * What the cart takes of each bundle component: bundle lines × units per bundle, plus the
 * component's own lines. Its number is its own published value when it is in the cart (fresher,
 * and it knows this checkout's own holds), else the least number the cart's bundles list for it:
 * each lists what any cart may take (every checkout's held units left out) and gives this
 * checkout back its own held units under its hold key; a bundle that does not list the key gives
 * nothing back (stricter, never kinder).
 */
function componentDemand(
  lines: CartValidationsGenerateRunInput["cart"]["lines"],
  published: ReadonlyArray<Published | null>,
  holdKey: string | null,
): Record<string, ComponentUse> {
  const uses: Record<string, ComponentUse> = {};
  for (let i = 0; i < lines.length; i++) {
    const numbers = published[i];
    if (numbers === null || numbers.continueSelling) continue;
    for (const component of numbers.components) {
      const forThisCart = component.available + givenBack(component, holdKey);
      const use = uses[component.id] ?? (uses[component.id] = { wanted: 0, available: forThisCart });
      use.wanted += lines[i].quantity * component.quantity;
      use.available = Math.min(use.available, forThisCart);
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const id = lines[i].merchandise.id;
    const use = id !== undefined ? uses[id] : undefined;
    if (use === undefined) continue;
    use.wanted += lines[i].quantity;
    const own = published[i];
    if (own !== null && !own.continueSelling) use.available = own.paused ? 0 : availableToCart(own, holdKey);
  }
  return uses;
}

/** Bundles this line could still have: per component, what the rest of the cart leaves, in whole bundles. */
function bundlesLeft(components: BundleComponent[], uses: Record<string, ComponentUse>, lineQuantity: number): number {
  let left = Number.MAX_SAFE_INTEGER;
  for (const component of components) {
    const use = uses[component.id];
    if (use === undefined) continue;
    const others = use.wanted - lineQuantity * component.quantity;
    left = Math.min(left, Math.floor(Math.max(0, use.available - others) / component.quantity));
  }
  return left;
}

function bundleExceeds(components: BundleComponent[], uses: Record<string, ComponentUse>): boolean {
  return components.some((component) => {
    const use = uses[component.id];
    return use !== undefined && use.wanted > use.available;
  });
}

/**
 * While the block is still asking (pending), a refusal that only the held units explain may be this
 * cart's own hold, confirmed but not yet named on the cart: checkout is still blocked (the
 * intercept blocked while pending, docs/decisions/019), in words that say it will pass. A pending
 * cart the numbers let through passes: it is judged as any buyer, so paying early oversells nothing.
 */
const ownHoldMayExplain = (numbers: Published, wanted: number): boolean => numbers.components.length === 0 && numbers.held > 0 && wanted <= numbers.available;

export function cartValidationsGenerateRun(input: CartValidationsGenerateRunInput): CartValidationsGenerateRunResult {
  const errors: ValidationError[] = [];
  const step = input.buyerJourney?.step ?? null;

  if (step !== null && BLOCKING_STEPS.indexOf(step) !== -1) {
    const lines = input.cart.lines;
    const attribute = input.cart.attribute?.value;
    const holdKey = typeof attribute === "string" && attribute !== "" ? attribute : null;
    const holdState = holdStateOf(input.cart.holdState?.value);

    // The same variant can sit on several lines (different line attributes or selling plans):
    // stock is per variant, so compare the cart's total for the variant, not each line alone.
    const totals: Record<string, number> = {};
    for (const line of lines) {
      const id = line.merchandise.id;
      if (id !== undefined) totals[id] = (totals[id] ?? 0) + line.quantity;
    }

    const published = lines.map((line) => publishedFor(line.merchandise.metafield?.value));
    const components = componentDemand(lines, published, holdKey);

    for (let i = 0; i < lines.length; i++) {
      const { merchandise, quantity } = lines[i];
      const numbers = published[i];
      if (numbers === null || numbers.continueSelling) continue;
      const wanted = merchandise.id !== undefined ? totals[merchandise.id] : quantity;
      const fromNumbers = Math.min(availableToCart(numbers, holdKey), bundlesLeft(numbers.components, components, quantity));
      const available = leftAfterRefusal(holdState, merchandise.id, fromNumbers);
      // Target the line's quantity so checkout shows the message next to the line it is about.
      const target = `$.cart.lines[${i}].quantity`;
      if (!numbers.paused && (available <= 0 || wanted > available) && holdState.pending && ownHoldMayExplain(numbers, wanted)) {
        errors.push({ message: CHECKING_MESSAGE, target });
      } else if (numbers.paused || available <= 0) {
        errors.push({ message: NOT_AVAILABLE_MESSAGE, target });
      } else if (wanted > available || bundleExceeds(numbers.components, components)) {
        errors.push({ message: onlyLeftMessage(available), target });
      }
    }
  }

  // One validationAdd, as the template returns, even when empty: "no errors" is an explicit answer.
  return { operations: [{ validationAdd: { errors } }] };
}
