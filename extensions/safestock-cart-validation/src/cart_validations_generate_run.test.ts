/** Unit tests beside the Function, as the template has them; the fixtures cover the main cases. */
import { describe, expect, it } from "vitest";
import {
  CHECKING_MESSAGE,
  cartValidationsGenerateRun,
  HOLD_ATTRIBUTE,
  HOLD_STATE_ATTRIBUTE,
  MAX_LISTED_HOLDS,
  NOT_AVAILABLE_MESSAGE,
  onlyLeftMessage,
  type BuyerJourneyStep,
  type CartValidationsGenerateRunInput,
} from "./cart_validations_generate_run";

const value = (online: unknown) => JSON.stringify({ channels: { online_store: online } });
const cart = (
  lines: { quantity: number; id?: string; value?: string | null }[],
  step: BuyerJourneyStep | null = "CHECKOUT_COMPLETION",
  holdKey: string | null = null,
): CartValidationsGenerateRunInput => ({
  buyerJourney: { step },
  cart: {
    attribute: holdKey === null ? null : { value: holdKey },
    lines: lines.map((l, i) => ({
      quantity: l.quantity,
      merchandise: { id: l.id ?? `gid://shopify/ProductVariant/${i + 1}`, sku: null, metafield: l.value === undefined || l.value === null ? null : { value: l.value } },
    })),
  },
});
const errorsOf = (input: CartValidationsGenerateRunInput) => cartValidationsGenerateRun(input).operations.flatMap((o) => o.validationAdd.errors);

describe("cartValidationsGenerateRun", () => {
  it("uses the merchant-facing messages", () => {
    expect(onlyLeftMessage(2)).toBe("Only 2 left — please lower the quantity");
    expect(NOT_AVAILABLE_MESSAGE).toBe("This item is not available right now");
  });

  it("always answers with one validationAdd operation", () => {
    expect(cartValidationsGenerateRun(cart([]))).toEqual({ operations: [{ validationAdd: { errors: [] } }] });
    expect(cartValidationsGenerateRun(cart([{ quantity: 9, value: value({ available: 1, paused: false }) }], "CART_INTERACTION"))).toEqual({
      operations: [{ validationAdd: { errors: [] } }],
    });
  });

  it("floors fractional and clamps negative numbers rather than trusting them", () => {
    expect(errorsOf(cart([{ quantity: 3, value: value({ available: 2.9, paused: false }) }]))).toEqual([{ message: onlyLeftMessage(2), target: "$.cart.lines[0].quantity" }]);
    expect(errorsOf(cart([{ quantity: 1, value: value({ available: -4, paused: false }) }]))).toEqual([{ message: NOT_AVAILABLE_MESSAGE, target: "$.cart.lines[0].quantity" }]);
  });

  it("fails open on values it cannot read", () => {
    for (const v of ["", "null", "[]", "{}", '{"channels":null}', value(null), value({ available: "3", paused: false }), value({ paused: true })]) {
      expect(errorsOf(cart([{ quantity: 99, value: v }])), v).toEqual([]);
    }
  });

  it("only `paused: true` pauses", () => {
    expect(errorsOf(cart([{ quantity: 1, value: value({ available: 5, paused: "yes" }) }]))).toEqual([]);
  });

  it("sums a variant across lines but keeps different variants apart", () => {
    const v = value({ available: 3, paused: false });
    expect(errorsOf(cart([{ quantity: 2, id: "A", value: v }, { quantity: 2, id: "B", value: v }]))).toEqual([]);
    expect(errorsOf(cart([{ quantity: 2, id: "A", value: v }, { quantity: 1, id: "B", value: v }, { quantity: 2, id: "A", value: v }])).map((e) => e.target)).toEqual([
      "$.cart.lines[0].quantity",
      "$.cart.lines[2].quantity",
    ]);
  });

  describe("cart holds", () => {
    const held = (available: number, held: number, keys: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ channels: { online_store: { available, paused: false } }, holds: { held, keys }, ...extra });

    it("names the attribute the checkout block sets", () => expect(HOLD_ATTRIBUTE).toBe("_safestockHold"));

    it("lets the holder take its held units and no other cart", () => {
      const v = held(3, 2, { holderKey: 2 });
      expect(errorsOf(cart([{ quantity: 3, value: v }], "CHECKOUT_COMPLETION", "holderKey"))).toEqual([]);
      // 3 online, 2 held by someone else: 1 for everybody else.
      expect(errorsOf(cart([{ quantity: 2, value: v }], "CHECKOUT_COMPLETION", "otherKey"))).toEqual([{ message: onlyLeftMessage(1), target: "$.cart.lines[0].quantity" }]);
      expect(errorsOf(cart([{ quantity: 1, value: v }]))).toEqual([]);
      expect(errorsOf(cart([{ quantity: 2, value: v }], "CHECKOUT_COMPLETION", ""))).toEqual([{ message: onlyLeftMessage(1), target: "$.cart.lines[0].quantity" }]);
    });

    it("never gives a key more than the held units, and never reads prototype keys as holds", () => {
      expect(errorsOf(cart([{ quantity: 3, value: held(2, 1, { k: 9 }) }], "CHECKOUT_COMPLETION", "k"))).toEqual([{ message: onlyLeftMessage(2), target: "$.cart.lines[0].quantity" }]);
      expect(errorsOf(cart([{ quantity: 1, value: held(2, 2, { k: 2 }) }], "CHECKOUT_COMPLETION", "constructor"))).toEqual([{ message: NOT_AVAILABLE_MESSAGE, target: "$.cart.lines[0].quantity" }]);
    });

    it("reads an unreadable holds part as no holds (a foreign edit: fail open, as for the whole value)", () => {
      for (const holds of [null, "3", { held: "2" }, []]) {
        const v = JSON.stringify({ channels: { online_store: { available: 2, paused: false } }, holds });
        expect(errorsOf(cart([{ quantity: 2, value: v }])), JSON.stringify(holds)).toEqual([]);
      }
    });

    it("a paused channel blocks the holder too", () => {
      const v = JSON.stringify({ channels: { online_store: { available: 2, paused: true } }, holds: { held: 2, keys: { k: 2 } } });
      expect(errorsOf(cart([{ quantity: 1, value: v }], "CHECKOUT_COMPLETION", "k"))).toEqual([{ message: NOT_AVAILABLE_MESSAGE, target: "$.cart.lines[0].quantity" }]);
    });
  });

  describe("the checkout block's record of its hold (docs/decisions/044)", () => {
    const numbers = (available: number, held = 0, keys: Record<string, number> = {}) =>
      JSON.stringify({ channels: { online_store: { available, paused: false } }, holds: { held, keys } });
    const withState = (input: CartValidationsGenerateRunInput, state: string | null): CartValidationsGenerateRunInput => ({
      ...input,
      cart: { ...input.cart, holdState: state === null ? null : { value: state } },
    });
    const MUG = "gid://shopify/ProductVariant/11";
    const CUP = "gid://shopify/ProductVariant/12";
    const line0 = "$.cart.lines[0].quantity";

    it("names the attribute the block sets", () => expect(HOLD_STATE_ATTRIBUTE).toBe("_safestockHoldState"));

    it("blocks a quantity the app refused although the published number would let it through", () => {
      // 5 published, nothing held: the numbers alone pass 3 mugs. The app refused 3, saying 1 is left.
      const mugs = cart([{ quantity: 3, id: MUG, value: numbers(5) }]);
      expect(errorsOf(mugs)).toEqual([]);
      expect(errorsOf(withState(mugs, "refused:11=1"))).toEqual([{ message: onlyLeftMessage(1), target: line0 }]);
      expect(errorsOf(withState(mugs, "refused:11=0"))).toEqual([{ message: NOT_AVAILABLE_MESSAGE, target: line0 }]);
      // Only the refused variant: the cup beside it passes.
      const both = cart([{ quantity: 3, id: MUG, value: numbers(5) }, { quantity: 2, id: CUP, value: numbers(5) }]);
      expect(errorsOf(withState(both, "refused:11=1,99=0"))).toEqual([{ message: onlyLeftMessage(1), target: line0 }]);
    });

    it("lets the cart through once it asks no more than the app said was left", () => {
      expect(errorsOf(withState(cart([{ quantity: 1, id: MUG, value: numbers(5) }]), "refused:11=1"))).toEqual([]);
      // Two lines of the same variant: their total counts, and both lines are told.
      const split = cart([{ quantity: 1, id: MUG, value: numbers(5) }, { quantity: 1, id: MUG, value: numbers(5) }]);
      expect(errorsOf(withState(split, "refused:11=1"))).toEqual([
        { message: onlyLeftMessage(1), target: line0 },
        { message: onlyLeftMessage(1), target: "$.cart.lines[1].quantity" },
      ]);
    });

    it("keeps the stricter of the refusal and the numbers", () => {
      expect(errorsOf(withState(cart([{ quantity: 3, id: MUG, value: numbers(2) }]), "refused:11=2"))).toEqual([{ message: onlyLeftMessage(2), target: line0 }]);
      expect(errorsOf(withState(cart([{ quantity: 3, id: MUG, value: numbers(0) }]), "refused:11=2"))).toEqual([{ message: NOT_AVAILABLE_MESSAGE, target: line0 }]);
    });

    it("never blocks where Safestock published nothing, or an item that keeps selling", () => {
      expect(errorsOf(withState(cart([{ quantity: 3, id: MUG, value: null }]), "refused:11=0"))).toEqual([]);
      const continueSelling = JSON.stringify({ channels: { online_store: { available: 0, paused: false } }, continueSelling: true });
      expect(errorsOf(withState(cart([{ quantity: 3, id: MUG, value: continueSelling }]), "refused:11=0"))).toEqual([]);
    });

    it("only at checkout, as every other rule", () => {
      expect(errorsOf(withState(cart([{ quantity: 3, id: MUG, value: numbers(5) }], "CART_INTERACTION"), "refused:11=0"))).toEqual([]);
    });

    it("reads no record from a value it does not understand (the numbers alone judge)", () => {
      const mugs = cart([{ quantity: 3, id: MUG, value: numbers(5) }]);
      for (const state of ["", "held", "refused", "refused:", "refused:11", "refused:11=-1", "refused:gid://shopify/ProductVariant/11=0", "REFUSED:11=0", "refused:constructor=0"]) {
        expect(errorsOf(withState(mugs, state)), state).toEqual([]);
      }
      expect(errorsOf({ ...mugs, cart: { ...mugs.cart, holdState: { value: null } } })).toEqual([]);
    });

    it("while pending, says a refusal its own unnamed hold may cause will pass, and lets through what the numbers allow", () => {
      // 2 published, 2 held (perhaps by this cart, its key not yet on the cart): blocked, with words that say wait.
      const ownHoldMaybe = cart([{ quantity: 2, id: MUG, value: numbers(2, 2, { someKey: 2 }) }]);
      expect(errorsOf(ownHoldMaybe)).toEqual([{ message: NOT_AVAILABLE_MESSAGE, target: line0 }]);
      expect(errorsOf(withState(ownHoldMaybe, "pending"))).toEqual([{ message: CHECKING_MESSAGE, target: line0 }]);
      // More than published: no hold of its own could explain it.
      expect(errorsOf(withState(cart([{ quantity: 3, id: MUG, value: numbers(2, 2, { someKey: 2 }) }]), "pending"))).toEqual([{ message: NOT_AVAILABLE_MESSAGE, target: line0 }]);
      // Nothing held: the refusal is the number's.
      expect(errorsOf(withState(cart([{ quantity: 3, id: MUG, value: numbers(2) }]), "pending"))).toEqual([{ message: onlyLeftMessage(2), target: line0 }]);
      // What the numbers let through passes while pending (judged as any buyer).
      expect(errorsOf(withState(cart([{ quantity: 1, id: MUG, value: numbers(5, 2, { someKey: 2 }) }]), "pending"))).toEqual([]);
    });
  });

  it("never blocks an item that keeps selling when out of stock, paused or at 0", () => {
    const v = JSON.stringify({ channels: { online_store: { available: 0, paused: true } }, continueSelling: true });
    expect(errorsOf(cart([{ quantity: 5, value: v }]))).toEqual([]);
    const notContinue = JSON.stringify({ channels: { online_store: { available: 0, paused: false } }, continueSelling: "yes" });
    expect(errorsOf(cart([{ quantity: 1, value: notContinue }]))).toEqual([{ message: NOT_AVAILABLE_MESSAGE, target: "$.cart.lines[0].quantity" }]);
  });

  it(`keeps a 50-line cart with ${MAX_LISTED_HOLDS} listed holds on every variant under the 64,000-byte input limit`, () => {
    const keys = Object.fromEntries(Array.from({ length: MAX_LISTED_HOLDS }, (_, i) => [`k${String(i).padStart(21, "0")}`, 99]));
    const channels = { marketplace: { available: 999, paused: false }, online_store: { available: 999, paused: false }, pos: { available: 999, paused: false }, wholesale: { available: 999, paused: true } };
    const value = JSON.stringify({ channels, continueSelling: true, holds: { held: 99 * MAX_LISTED_HOLDS, keys } });
    const input = cart(Array.from({ length: 50 }, (_, i) => ({ quantity: 1, id: `gid://shopify/ProductVariant/${9_000_000_000_000 + i}`, value })), "CHECKOUT_COMPLETION", "k".repeat(22));
    expect(new TextEncoder().encode(value).length).toBeLessThan(10_000);
    expect(new TextEncoder().encode(JSON.stringify(input)).length).toBeLessThan(64_000);
  });

  describe("bundles (docs/decisions/034)", () => {
    // Gift set: 2 × SHIRT (component A, Online Store number 7) + 1 × TOTE (component B, number 10).
    // Its own number is min(floor(7/2), floor(10/1)) = 3.
    const bundle = JSON.stringify({
      channels: { online_store: { available: 3, paused: false } },
      components: [
        { id: "A", quantity: 2, available: 7 },
        { id: "B", quantity: 1, available: 10 },
      ],
    });

    it("lets a cart take what the limiting component allows", () => {
      expect(errorsOf(cart([{ quantity: 3, id: "SET", value: bundle }]))).toEqual([]);
    });

    it("refuses bundle lines that would take more of a component than its number", () => {
      // 4 sets need 8 shirts; 7 are for sale: floor(7 / 2) = 3 sets left.
      expect(errorsOf(cart([{ quantity: 4, id: "SET", value: bundle }]))).toEqual([{ message: onlyLeftMessage(3), target: "$.cart.lines[0].quantity" }]);
    });

    it("counts the component's own line in the same cart against the bundle", () => {
      // 2 sets take 4 shirts, and the cart also buys 4 shirts on their own: 8 > 7.
      // Left for the sets: floor((7 − 4) / 2) = 1.
      const shirt = value({ available: 7, paused: false });
      expect(errorsOf(cart([{ quantity: 2, id: "SET", value: bundle }, { quantity: 4, id: "A", value: shirt }]))).toEqual([
        { message: onlyLeftMessage(1), target: "$.cart.lines[0].quantity" },
      ]);
      // 2 sets and 3 shirts: 4 + 3 = 7, exactly what is for sale.
      expect(errorsOf(cart([{ quantity: 2, id: "SET", value: bundle }, { quantity: 3, id: "A", value: shirt }]))).toEqual([]);
    });

    it("uses the component's own, fresher number when the cart carries it", () => {
      const shirt = value({ available: 2, paused: false });
      // The set listed 7 shirts, the shirt's own value says 2: one set (2 shirts) fits, two do not.
      expect(errorsOf(cart([{ quantity: 1, id: "SET", value: bundle }, { quantity: 0, id: "A", value: shirt }]))).toEqual([]);
      expect(errorsOf(cart([{ quantity: 2, id: "SET", value: bundle }, { quantity: 0, id: "A", value: shirt }]))).toEqual([
        { message: onlyLeftMessage(1), target: "$.cart.lines[0].quantity" },
      ]);
    });

    it("gives a holder back its own held units under its hold key, and nobody else", () => {
      // Summer set: 1 shirt + 2 totes; 20 totes for sale, 16 held by checkout D (8 sets) → 4 for any
      // other cart, D gets its 16 back: 20. Shirts 42, 8 held by D → 34, D 42.
      const held = JSON.stringify({
        channels: { online_store: { available: 10, paused: false } },
        components: [
          { id: "SHIRT", quantity: 1, available: 34, keys: { "key-d": 8 } },
          { id: "TOTE", quantity: 2, available: 4, keys: { "key-d": 16 } },
        ],
      });
      expect(errorsOf(cart([{ quantity: 8, id: "SET", value: held }], "CHECKOUT_COMPLETION", "key-d"))).toEqual([]);
      // D may not take more than the 20 totes: ⌊20 / 2⌋ = 10 sets, the set's own number too.
      expect(errorsOf(cart([{ quantity: 11, id: "SET", value: held }], "CHECKOUT_COMPLETION", "key-d"))).toEqual([{ message: onlyLeftMessage(10), target: "$.cart.lines[0].quantity" }]);
      // Another cart (another key, or none) gets ⌊4 / 2⌋ = 2 sets.
      expect(errorsOf(cart([{ quantity: 3, id: "SET", value: held }], "CHECKOUT_COMPLETION", "key-e"))).toEqual([{ message: onlyLeftMessage(2), target: "$.cart.lines[0].quantity" }]);
      expect(errorsOf(cart([{ quantity: 3, id: "SET", value: held }]))).toEqual([{ message: onlyLeftMessage(2), target: "$.cart.lines[0].quantity" }]);
      // A second bundle of totes that does not list D's key gives nothing back: D's 8 sets are refused (stricter).
      const unlisted = JSON.stringify({ channels: { online_store: { available: 4, paused: false } }, components: [{ id: "TOTE", quantity: 1, available: 4 }] });
      expect(errorsOf(cart([{ quantity: 8, id: "SET", value: held }, { quantity: 0, id: "PAIR", value: unlisted }], "CHECKOUT_COMPLETION", "key-d"))).toEqual([
        { message: onlyLeftMessage(2), target: "$.cart.lines[0].quantity" },
        // The pair line: the 16 totes of D's sets leave none of the 4 it lists.
        { message: NOT_AVAILABLE_MESSAGE, target: "$.cart.lines[1].quantity" },
      ]);
    });

    it("two bundles sharing a component share its number", () => {
      const other = JSON.stringify({ channels: { online_store: { available: 7, paused: false } }, components: [{ id: "A", quantity: 1, available: 7 }] });
      // 3 sets take 6 shirts, 2 singles take 2: 8 > 7.
      const errors = errorsOf(cart([{ quantity: 3, id: "SET", value: bundle }, { quantity: 2, id: "ONE", value: other }]));
      expect(errors.map((e) => e.target)).toEqual(["$.cart.lines[0].quantity", "$.cart.lines[1].quantity"]);
    });
  });
});
