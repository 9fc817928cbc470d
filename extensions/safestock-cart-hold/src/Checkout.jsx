/**
 * Holds the checkout's lines with Safestock for a few minutes and tells the buyer when a
 * quantity is no longer available — before they pay, not after. Preact + checkout web
 * components (API 2025-10+: https://shopify.dev/docs/api/checkout-ui-extensions).
 *
 * The session token proves to the app which shop and checkout this is
 * (https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/platform-apis/session-token-api);
 * the app verifies it with `authenticate.public.checkout`.
 */
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";

export default async () => {
  render(<CartHold />, document.body);
};

function CartHold() {
  const [refused, setRefused] = useState([]);
  const lines = shopify.lines.value;
  const key = lines.map((line) => `${line.merchandise.id}:${line.quantity}`).join(",");

  useEffect(() => {
    const appUrl = shopify.settings.value.app_url;
    if (!appUrl) return;
    let cancelled = false;
    (async () => {
      const token = await shopify.sessionToken.get();
      const response = await fetch(`${appUrl}/api/holds`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify({
          checkoutToken: shopify.checkoutToken.value,
          lines: lines.map((line) => ({ variantId: line.merchandise.id, quantity: line.quantity })),
        }),
      }).catch(() => null);
      // Fail open: if Safestock cannot be reached, checkout goes on as without the app.
      if (!response || cancelled) return;
      const body = await response.json().catch(() => ({ lines: [] }));
      setRefused((body.lines ?? []).filter((line) => !line.ok));
    })();
    return () => {
      cancelled = true;
    };
  }, [key]);

  if (refused.length === 0) return null;
  return (
    <s-banner tone="critical" heading="Some items just sold out">
      {refused.map((line) => (
        <s-text key={line.variantId}>
          {lines.find((entry) => entry.merchandise.id === line.variantId)?.merchandise.title ?? "An item"}: {line.reason}
        </s-text>
      ))}
    </s-banner>
  );
}
