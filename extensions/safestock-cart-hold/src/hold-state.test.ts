import { describe, expect, it } from "vitest";
import { HOLD_ATTRIBUTE as FUNCTION_HOLD_ATTRIBUTE } from "../../safestock-cart-validation/src/cart_validations_generate_run";
import { appUrlFrom, HOLD_ATTRIBUTE, interceptorResult, linesKey, runningKeyOf, stateFromAnswer } from "./hold-state.js";

const title = (id: string) => ({ "gid://shopify/ProductVariant/1": "Blue mug" })[id] ?? "An item";

describe("the checkout block's hold state", () => {
  it("sets the attribute the Function reads (tests/holds-race.test.ts checks the app's)", () => {
    expect(HOLD_ATTRIBUTE).toBe(FUNCTION_HOLD_ATTRIBUTE);
  });

  it("is held only with a key from a 200, refused only with refused lines in a 409", () => {
    expect(stateFromAnswer(200, { holdKey: "k", lines: [{ variantId: "v", ok: true }] })).toEqual({ status: "held", holdKey: "k" });
    expect(stateFromAnswer(200, { holdKey: null, lines: [{ variantId: "v", ok: true }] })).toEqual({ status: "idle" });
    expect(stateFromAnswer(409, { holdKey: null, lines: [{ variantId: "v", ok: false, reason: "Only 0 left." }] })).toEqual({
      status: "refused",
      refused: [{ variantId: "v", reason: "Only 0 left." }],
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

  it("blocks progress while the hold is pending and when it was refused, never without the capability", () => {
    expect(interceptorResult({ status: "pending" }, true, title)).toMatchObject({ behavior: "block" });
    expect(interceptorResult({ status: "refused", refused: [{ variantId: "gid://shopify/ProductVariant/1", reason: "Only 0 left." }], holdKey: null }, true, title)).toEqual({
      behavior: "block",
      reason: "Quantities no longer available",
      errors: [{ message: "Blue mug: Only 0 left." }],
    });
    expect(interceptorResult({ status: "refused", refused: [{ variantId: "v", reason: "r" }], holdKey: null }, false, title)).toEqual({ behavior: "allow" });
    expect(interceptorResult({ status: "held", holdKey: "k" }, true, title)).toEqual({ behavior: "allow" });
    expect(interceptorResult({ status: "idle" }, true, title)).toEqual({ behavior: "allow" });
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
