/**
 * Holds the checkout's lines with Safestock for a few minutes, so that Shopify's checkout lets
 * this buyer — and no other — buy the held units, and tells the buyer when a quantity is no longer
 * available. Preact + checkout web components (API 2025-10+:
 * https://shopify.dev/docs/api/checkout-ui-extensions).
 *
 * How a hold is enforced (docs/decisions/019, superseding the enforcement of 008; 044):
 * 1. POST /api/holds with the checkout's lines. The app answers only once Shopify can enforce the
 *    hold: the channel metafield the cart-validation Function reads names the hold's random key.
 *    Meanwhile the cart attribute `_safestockHoldState` says "pending", so a refusal the hold
 *    itself may cause (confirmed, its key not yet on the cart) tells the buyer to wait.
 * 2. The key goes on the cart as the attribute `_safestockHold` (applyAttributeChange): the Function
 *    counts the held units for this cart and against every other. The attribute carries over to
 *    the order (`note_attributes`), where orders/create converts the hold.
 * 3. A refused quantity is recorded in `_safestockHoldState` ("refused:<variant>=<left>"), which the
 *    Function enforces on every checkout surface. The block no longer blocks progress itself: the
 *    buyer-journey intercept and the `block_progress` capability are deprecated from 2026-07 in
 *    favour of validation Functions
 *    (https://shopify.dev/changelog/deprecating-the-usebuyerjourneyintercept-api-on-checkout-ui-extensions;
 *    docs/decisions/044). The banner still names the refused items.
 * 4. Leaving checkout without paying releases the hold (unmount); expiry is the backstop.
 *
 * When the cart's attributes cannot be changed (`instructions.attributes.canUpdateAttributes`
 * false, or an accelerated checkout: https://shopify.dev/docs/api/checkout-ui-extensions/latest/apis/attributes)
 * nothing is held: a hold the cart cannot name would count against its own holder.
 *
 * The app's URL comes from the shop metafield `$app:safestock.app_url`, which the app writes when
 * it switches protection on (app/services/setup.server.ts) and the extension's toml requests
 * (`appMetafields`: "App owned metafields are supported and are returned using the `$app` format",
 * https://shopify.dev/docs/api/checkout-ui-extensions/latest/apis/metafields): the merchant types nothing.
 *
 * The session token proves to the app which shop and checkout this is
 * (https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/platform-apis/session-token-api);
 * the app verifies it with `authenticate.public.checkout`. The app never sees the hold key from
 * the buyer: it mints it.
 */
/* global shopify -- the Checkout UI extension API object, declared by @shopify/ui-extensions/preact */
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { appUrlFrom, HOLD_ANSWER_TIMEOUT_MS, HOLD_ATTRIBUTE, holdStateChange, linesKey, runningKeyOf, stateFromAnswer } from "./hold-state.js";

export default async () => {
  render(<CartHold />, document.body);
};

async function callHolds(appUrl, method, body) {
  const token = await shopify.sessionToken.get();
  return fetch(`${appUrl}/api/holds`, {
    method,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    // A release on leaving must outlive the page.
    keepalive: method === "DELETE",
  });
}

/** Records a state for the Function (hold-state.js holdStateChange); a failed write leaves the numbers alone to judge. */
const recordForFunction = (state) => shopify.applyAttributeChange(holdStateChange(state)).catch(() => null);

function CartHold() {
  const [state, setState] = useState({ status: "idle" });
  const lines = shopify.lines.value;
  const key = linesKey(lines);
  const latest = useRef(state);
  latest.current = state;

  useEffect(() => {
    const appUrl = appUrlFrom(shopify.appMetafields.value);
    const canName = shopify.instructions.value?.attributes?.canUpdateAttributes !== false;
    if (!appUrl || !canName || lines.length === 0) return;
    let cancelled = false;
    // The running hold's key, if any: presenting it keeps the key (and the cart attribute) as it is.
    const holdKey = runningKeyOf(latest.current);
    setState({ status: "pending" });
    // Written while the app is asked; every later write of the state waits for it, so it never lands last.
    const pendingRecorded = recordForFunction({ status: "pending" });
    // Fail open: if Safestock does not answer in time, checkout goes on as without the app.
    const giveUp = setTimeout(async () => {
      await pendingRecorded;
      if (cancelled) return;
      setState({ status: "idle" });
      await recordForFunction({ status: "idle" });
    }, HOLD_ANSWER_TIMEOUT_MS);
    (async () => {
      const body = { checkoutToken: shopify.checkoutToken.value, holdKey, lines: lines.map((line) => ({ variantId: line.merchandise.id, quantity: line.quantity })) };
      const response = await callHolds(appUrl, "POST", body).catch(() => null);
      const answer = response ? await response.json().catch(() => null) : null;
      await pendingRecorded;
      if (cancelled) return;
      const next = stateFromAnswer(response?.status ?? 0, answer);
      if (next.status === "held") {
        const applied = await shopify.applyAttributeChange({ type: "updateAttribute", key: HOLD_ATTRIBUTE, value: next.holdKey }).catch(() => ({ type: "error" }));
        if (applied.type !== "success") {
          // The cart cannot carry the key: the hold would only stand in this buyer's way.
          await callHolds(appUrl, "DELETE", { checkoutToken: body.checkoutToken, holdKey: next.holdKey }).catch(() => null);
          if (cancelled) return;
          setState({ status: "idle" });
          await recordForFunction({ status: "idle" });
          return;
        }
      }
      clearTimeout(giveUp);
      if (cancelled) return;
      setState(next);
      await recordForFunction(next);
    })();
    return () => {
      cancelled = true;
      clearTimeout(giveUp);
    };
  }, [key]);

  // Leaving checkout without paying: the held units go back at once rather than at expiry.
  useEffect(
    () => () => {
      const appUrl = appUrlFrom(shopify.appMetafields.value);
      const holdKey = runningKeyOf(latest.current);
      if (!appUrl || !holdKey || shopify.buyerJourney.completed.value) return;
      callHolds(appUrl, "DELETE", { checkoutToken: shopify.checkoutToken.value, holdKey }).catch(() => null);
    },
    [],
  );

  if (state.status !== "refused") return null;
  return (
    <s-banner tone="critical" heading="Some items just sold out">
      {state.refused.map((line) => (
        <s-text key={line.variantId}>
          {lines.find((entry) => entry.merchandise.id === line.variantId)?.merchandise.title ?? "An item"}: {line.reason}
        </s-text>
      ))}
    </s-banner>
  );
}
