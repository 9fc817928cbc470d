import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  HOLD_ATTRIBUTE as FUNCTION_HOLD_ATTRIBUTE,
  HOLD_STATE_ATTRIBUTE as FUNCTION_HOLD_STATE_ATTRIBUTE,
} from "../../safestock-cart-validation/src/cart_validations_generate_run";
import { appUrlFrom, HOLD_ATTRIBUTE, HOLD_STATE_ATTRIBUTE, holdStateChange, linesKey, runningKeyOf, stateFromAnswer } from "./hold-state.js";

describe("the checkout block's hold state", () => {
  it("sets the attributes the Function reads (tests/holds-race.test.ts checks the app's)", () => {
    expect(HOLD_ATTRIBUTE).toBe(FUNCTION_HOLD_ATTRIBUTE);
    expect(HOLD_STATE_ATTRIBUTE).toBe(FUNCTION_HOLD_STATE_ATTRIBUTE);
  });

  it("is held only with a key from a 200, refused only with refused lines in a 409", () => {
    expect(stateFromAnswer(200, { holdKey: "k", lines: [{ variantId: "v", ok: true }] })).toEqual({ status: "held", holdKey: "k" });
    expect(stateFromAnswer(200, { holdKey: null, lines: [{ variantId: "v", ok: true }] })).toEqual({ status: "idle" });
    expect(stateFromAnswer(409, { holdKey: null, lines: [{ variantId: "v", ok: false, reason: "Only 0 left.", available: 0 }] })).toEqual({
      status: "refused",
      refused: [{ variantId: "v", reason: "Only 0 left.", available: 0 }],
      holdKey: null,
    });
    // A refused quantity change: the checkout keeps the holds it had, and their key.
    const refusedChange = stateFromAnswer(409, { holdKey: "k", lines: [{ variantId: "v", ok: false, reason: "Only 1 left." }] });
    expect(runningKeyOf(refusedChange)).toBe("k");
    expect(runningKeyOf(stateFromAnswer(200, { holdKey: "k", lines: [] }))).toBe("k");
    expect(runningKeyOf({ status: "pending" })).toBeNull();
    // Anything else (an error page, a 401, a 500): fail open.
    const failures: [number, Parameters<typeof stateFromAnswer>[1]][] = [[500, null], [401, {}], [409, { lines: [] }]];
    for (const [status, body] of failures) expect(stateFromAnswer(status, body)).toEqual({ status: "idle" });
  });

  it("records for the Function: pending while asking, the refused variants with the units left, nothing otherwise", () => {
    expect(holdStateChange({ status: "pending" })).toEqual({ type: "updateAttribute", key: "_safestockHoldState", value: "pending" });
    const refused = stateFromAnswer(409, {
      holdKey: "k",
      lines: [
        { variantId: "gid://shopify/ProductVariant/11", ok: false, reason: "Only 1 left.", available: 1 },
        { variantId: "gid://shopify/ProductVariant/12", ok: true },
        // A refusal without a readable number: nothing left (stricter, never kinder).
        { variantId: "gid://shopify/ProductVariant/13", ok: false, reason: "Not available." },
        { variantId: "gid://shopify/ProductVariant/14", ok: false, reason: "Only 2 left.", available: 2.7 },
      ],
    });
    expect(holdStateChange(refused)).toEqual({ type: "updateAttribute", key: "_safestockHoldState", value: "refused:11=1,13=0,14=2" });
    for (const state of [{ status: "held", holdKey: "k" }, { status: "idle" }] as const) {
      expect(holdStateChange(state)).toEqual({ type: "removeAttribute", key: "_safestockHoldState" });
    }
  });

  it("asks for no deprecated capability (block_progress went with the buyer-journey intercept, docs/decisions/044)", () => {
    const toml = readFileSync(new URL("../shopify.extension.toml", import.meta.url), "utf8");
    expect(toml).not.toMatch(/^\s*block_progress\s*=/m);
    expect(readFileSync(new URL("./Checkout.jsx", import.meta.url), "utf8")).not.toMatch(/useBuyerJourneyIntercept|buyerJourney\.intercept/);
  });

  it("reads the app's URL only from the app-owned shop metafield", () => {
    const entry = (type: string, namespace: string, value: unknown) => ({ target: { type }, metafield: { namespace, key: "app_url", value } });
    expect(appUrlFrom([entry("shop", "$app:safestock", "https://safestock.example/")])).toBe("https://safestock.example");
    expect(appUrlFrom([entry("product", "$app:safestock", "https://elsewhere.example")])).toBeNull();
    expect(appUrlFrom([entry("shop", "custom", "https://elsewhere.example")])).toBeNull();
    expect(appUrlFrom([entry("shop", "$app:safestock", "javascript:alert(1)")])).toBeNull();
    expect(appUrlFrom(undefined)).toBeNull();
  });

  it("keys the cart by variant and quantity", () => {
    expect(linesKey([{ merchandise: { id: "a" }, quantity: 2 }, { merchandise: { id: "b" }, quantity: 1 }])).toBe("a:2,b:1");
  });
});
