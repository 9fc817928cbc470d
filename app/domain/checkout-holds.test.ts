/** The holds part of the published value (docs/decisions/019): what the checkout Function reads. */
import { describe, expect, it } from "vitest";
import { MAX_LISTED_HOLDS as FUNCTION_MAX_LISTED_HOLDS } from "../../extensions/safestock-cart-validation/src/cart_validations_generate_run";
import { canonicalChannelMetafieldValue, channelMetafieldValue, checkoutHoldsOf, MAX_LISTED_HOLDS, unitsForHolder } from "./inventory-writes";

const online = { online_store: { available: 5, paused: false } };
const at = (minute: number) => `2026-12-06T01:${String(minute).padStart(2, "0")}:00.000Z`;
/** A 22-character key like the app's (128 random bits, base64url). */
const key = (n: number) => `k${String(n).padStart(21, "0")}`;

describe("checkout holds in the channel metafield", () => {
  it("keep the value a variant without holds always had", () => {
    expect(channelMetafieldValue(online)).toBe('{"channels":{"online_store":{"available":5,"paused":false}}}');
    expect(checkoutHoldsOf([])).toBeNull();
    expect(channelMetafieldValue(online, { holds: checkoutHoldsOf([]) })).toBe(channelMetafieldValue(online));
  });

  it("count every held unit and name the holds, in a stable text", () => {
    const holds = checkoutHoldsOf([
      { holdKey: "b", units: 2, createdAt: at(2) },
      { holdKey: null, units: 1, createdAt: at(0) },
      { holdKey: "a", units: 1, createdAt: at(1) },
    ]);
    expect(holds).toEqual({ held: 4, keys: { a: 1, b: 2 } });
    expect(channelMetafieldValue(online, { holds, continueSelling: true })).toBe(
      '{"channels":{"online_store":{"available":5,"paused":false}},"continueSelling":true,"holds":{"held":4,"keys":{"a":1,"b":2}}}',
    );
  });

  it(`name at most ${MAX_LISTED_HOLDS} holds, the oldest, and count the rest against everybody`, () => {
    expect(MAX_LISTED_HOLDS).toBe(FUNCTION_MAX_LISTED_HOLDS);
    const many = Array.from({ length: MAX_LISTED_HOLDS + 3 }, (_, i) => ({ holdKey: key(i), units: 1, createdAt: at(59 - i) }));
    const holds = checkoutHoldsOf(many)!;
    expect(holds.held).toBe(MAX_LISTED_HOLDS + 3);
    // Hold i was placed at minute 59 − i: the three newest (i = 0, 1, 2) are the ones left unnamed.
    const listed = Object.keys(holds.keys).sort();
    expect(listed).toEqual(many.slice(3).map((hold) => hold.holdKey).sort());
    const value = channelMetafieldValue({ ...online, marketplace: { available: 0, paused: true }, pos: { available: 9, paused: false }, wholesale: { available: 0, paused: true } }, { holds });
    // Far below the 10,000 bytes a metafield may bring into a Function's input.
    expect(new TextEncoder().encode(value).length).toBeLessThan(800);
    // An unlisted hold's holder is any other buyer: stricter, never kinder.
    expect(unitsForHolder(value, key(0))).toEqual({ listed: 0, available: 0 });
    expect(unitsForHolder(value, key(3))).toEqual({ listed: 1, available: 0 });
  });

  it("tell what the Function lets a holder take, by its own arithmetic", () => {
    const value = channelMetafieldValue(online, { holds: { held: 3, keys: { a: 2 } } });
    expect(unitsForHolder(value, "a")).toEqual({ listed: 2, available: 4 });
    expect(unitsForHolder(value, "zz")).toEqual({ listed: 0, available: 2 });
    expect(unitsForHolder(channelMetafieldValue({ online_store: { available: 5, paused: true } }), "a")).toEqual({ listed: 0, available: 0 });
    expect(unitsForHolder(channelMetafieldValue({ pos: { available: 5, paused: false } }), "a")).toBeNull();
    expect(unitsForHolder("not json", "a")).toBeNull();
  });

  it("read a published value back in the canonical text, so equal content is never rewritten", () => {
    const written = channelMetafieldValue(online, { holds: { held: 1, keys: { a: 1 } }, continueSelling: true });
    const reordered = '{"holds":{"keys":{"a":1},"held":1},"continueSelling":true,"channels":{"online_store":{"paused":false,"available":5}}}';
    expect(canonicalChannelMetafieldValue(reordered)).toBe(written);
    expect(canonicalChannelMetafieldValue("{}")).toBeNull();
  });
});
