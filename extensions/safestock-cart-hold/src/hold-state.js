/**
 * The checkout block's decisions, pure so that they are tested without a checkout
 * (hold-state.test.ts). Checkout.jsx wires them to the Checkout UI extension APIs.
 */

/** The cart attribute carrying the hold key; the cart-validation Function reads the same key. */
export const HOLD_ATTRIBUTE = "_safestockHold";

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

/** How long progress waits for the app's answer before the block gives up and lets the buyer go on (fail open). */
export const HOLD_ANSWER_TIMEOUT_MS = 8_000;

/**
 * What the block knows about its hold:
 *   { status: "idle" }                      no app URL, nothing in the cart, or the app unreachable
 *   { status: "pending" }                   asked the app, no answer yet
 *   { status: "held", holdKey }             the app confirmed (Shopify already enforces the hold)
 *   { status: "refused", refused: [lines], holdKey } some quantities are gone (holdKey: the holds it still has, or null)
 * @typedef {{ status: "idle" } | { status: "pending" } | { status: "held", holdKey: string } | { status: "refused", refused: { variantId: string, reason: string }[], holdKey: string | null }} HoldState
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
 * @param {{ holdKey?: string | null, lines?: { variantId: string, ok: boolean, reason?: string }[] } | null} body
 * @returns {HoldState}
 */
export function stateFromAnswer(status, body) {
  const lines = Array.isArray(body?.lines) ? body.lines : [];
  const refused = lines.filter((line) => line && line.ok === false).map((line) => ({ variantId: line.variantId, reason: line.reason ?? "No longer available." }));
  const holdKey = typeof body?.holdKey === "string" && body.holdKey !== "" ? body.holdKey : null;
  if (status === 409 && refused.length > 0) return { status: "refused", refused, holdKey };
  if (status === 200 && holdKey !== null) return { status: "held", holdKey };
  return { status: "idle" };
}

/**
 * The buyer-journey interceptor's answer: block while the answer is pending (so the buyer cannot
 * pay before the cart carries its hold key) and when quantities were refused; allow otherwise.
 * @param {HoldState} state
 * @param {boolean} canBlockProgress
 * @param {(variantId: string) => string} titleOf
 */
export function interceptorResult(state, canBlockProgress, titleOf) {
  if (!canBlockProgress) return { behavior: "allow" };
  if (state.status === "pending") {
    return { behavior: "block", reason: "Safestock is checking stock", errors: [{ message: "Checking that your items are still available…" }] };
  }
  if (state.status === "refused") {
    return {
      behavior: "block",
      reason: "Quantities no longer available",
      errors: state.refused.map((line) => ({ message: `${titleOf(line.variantId)}: ${line.reason}` })),
    };
  }
  return { behavior: "allow" };
}

/** A key for the cart's lines: the hold is asked again only when it changes. */
export function linesKey(lines) {
  return lines.map((line) => `${line.merchandise.id}:${line.quantity}`).join(",");
}
