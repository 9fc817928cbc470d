/**
 * The checkout block's decisions, pure so that they are tested without a checkout
 * (hold-state.test.ts). Checkout.jsx wires them to the Checkout UI extension APIs.
 */

/** The cart attribute carrying the hold key; the cart-validation Function reads the same key. */
export const HOLD_ATTRIBUTE = "_safestockHold";

/**
 * The cart attribute where the block records what it knows of its hold, for the cart-validation
 * Function to enforce (its HOLD_STATE_ATTRIBUTE): the buyer-journey intercept that used to block
 * progress is deprecated from checkout UI extensions 2026-07, "migrate to a cart and checkout
 * validation Function" (https://shopify.dev/changelog/deprecating-the-usebuyerjourneyintercept-api-on-checkout-ui-extensions;
 * docs/decisions/044).
 */
export const HOLD_STATE_ATTRIBUTE = "_safestockHoldState";

/** The app-owned shop metafield carrying the app's URL (written by the app, requested in shopify.extension.toml). */
export const APP_URL_METAFIELD = { namespace: "$app:safestock", key: "app_url" };

/**
 * The app's URL from the checkout's `appMetafields` entries, or null while the app has not
 * written it (then the block holds nothing and checkout goes on as without the app).
 * @param {{ target?: { type?: string }, metafield?: { namespace?: string, key?: string, value?: unknown } }[] | undefined} entries
 * @returns {string | null}
 */
export function appUrlFrom(entries) {
  const entry = (entries ?? []).find(
    (candidate) =>
      candidate?.target?.type === "shop" && candidate.metafield?.namespace === APP_URL_METAFIELD.namespace && candidate.metafield?.key === APP_URL_METAFIELD.key,
  );
  const value = entry?.metafield?.value;
  return typeof value === "string" && /^https?:\/\/\S+$/.test(value) ? value.replace(/\/+$/, "") : null;
}

/** How long the block waits for the app's answer before it gives up and records nothing (fail open). */
export const HOLD_ANSWER_TIMEOUT_MS = 8_000;

/**
 * What the block knows about its hold:
 *   { status: "idle" }                      no app URL, nothing in the cart, or the app unreachable
 *   { status: "pending" }                   asked the app, no answer yet
 *   { status: "held", holdKey }             the app confirmed (Shopify already enforces the hold)
 *   { status: "refused", refused: [lines], holdKey } some quantities are gone (holdKey: the holds it still has, or null;
 *                                           per line the reason shown and the units the app said were left)
 * @typedef {{ variantId: string, reason: string, available: number }} RefusedLine
 * @typedef {{ status: "idle" } | { status: "pending" } | { status: "held", holdKey: string } | { status: "refused", refused: RefusedLine[], holdKey: string | null }} HoldState
 */

/** The key of the holds the checkout still has, to present with its next request. */
export function runningKeyOf(state) {
  return state.status === "held" || state.status === "refused" ? state.holdKey ?? null : null;
}

/**
 * The state an answer of POST /api/holds leads to. 409 lists the refused lines; 200 may still
 * hold nothing (`holdKey: null`: nothing to hold, or the app could not make Shopify enforce it),
 * and then the buyer checks out like any other.
 * @param {number} status
 * @param {{ holdKey?: string | null, lines?: { variantId: string, ok: boolean, reason?: string, available?: number }[] } | null} body
 * @returns {HoldState}
 */
export function stateFromAnswer(status, body) {
  const lines = Array.isArray(body?.lines) ? body.lines : [];
  const refused = lines
    .filter((line) => line && line.ok === false)
    .map((line) => ({ variantId: line.variantId, reason: line.reason ?? "No longer available.", available: unitsLeft(line.available) }));
  const holdKey = typeof body?.holdKey === "string" && body.holdKey !== "" ? body.holdKey : null;
  if (status === 409 && refused.length > 0) return { status: "refused", refused, holdKey };
  if (status === 200 && holdKey !== null) return { status: "held", holdKey };
  return { status: "idle" };
}

/** Units the app said were left; anything unreadable is none (stricter, never kinder). */
const unitsLeft = (value) => (typeof value === "number" && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0);

/**
 * The change of HOLD_STATE_ATTRIBUTE that records a state for the Function: "pending" while the
 * app is asked (a refusal its own hold may cause says "wait"), "refused:<variant id>=<units left>,…"
 * (legacy ids, kept short: the attribute counts against the Function's 64,000-byte input) when it
 * refused quantities, removed otherwise so that the numbers alone judge the cart.
 * @param {HoldState} state
 */
export function holdStateChange(state) {
  if (state.status === "pending") return { type: "updateAttribute", key: HOLD_STATE_ATTRIBUTE, value: "pending" };
  if (state.status === "refused") {
    const entries = state.refused.map((line) => `${String(line.variantId).slice(String(line.variantId).lastIndexOf("/") + 1)}=${line.available}`);
    return { type: "updateAttribute", key: HOLD_STATE_ATTRIBUTE, value: `refused:${entries.join(",")}` };
  }
  return { type: "removeAttribute", key: HOLD_STATE_ATTRIBUTE };
}

/** A key for the cart's lines: the hold is asked again only when it changes. */
export function linesKey(lines) {
  return lines.map((line) => `${line.merchandise.id}:${line.quantity}`).join(",");
}
