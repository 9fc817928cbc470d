/**
 * Renders the checkout block (Checkout.jsx) with the real @shopify/ui-extensions package and
 * Preact, in a minimal host: the DOM is Remote DOM's polyfill — what checkout extensions render
 * into inside Shopify's sandboxed worker (https://shopify.dev/docs/api/checkout-ui-extensions,
 * "Extension UIs are rendered using remote UI") — and the `shopify` global carries only the
 * target APIs the block reads. The holds API is answered by msw; the expected requests and
 * rendering are written from the block's contract in README.md, not from its code.
 */
import "@remote-dom/core/polyfill";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mswServer } from "../../../tests/setup/msw";

const APP_URL = "https://safestock.example";
const MUG = "gid://shopify/ProductVariant/11";
const CUP = "gid://shopify/ProductVariant/12";

interface HostCalls {
  attributes: { type: string; key: string; value?: string }[];
  /** How often the block read the app's URL: it has decided what to do once it has. */
  appUrlReads: number;
}

/** The `shopify` global of `purchase.checkout.block.render`, reduced to what the block reads. */
function installHost(appUrl: string | null): HostCalls {
  const calls: HostCalls = { attributes: [], appUrlReads: 0 };
  const signal = <T>(value: T) => ({ value, subscribe: () => () => {} });
  (globalThis as Record<string, unknown>).shopify = {
    extension: { target: "purchase.checkout.block.render" },
    lines: signal([
      { merchandise: { id: MUG, title: "Blue mug" }, quantity: 2 },
      { merchandise: { id: CUP, title: "Tea cup" }, quantity: 1 },
    ]),
    appMetafields: {
      get value() {
        calls.appUrlReads += 1;
        return appUrl ? [{ target: { type: "shop", id: "1" }, metafield: { namespace: "$app:safestock", key: "app_url", value: appUrl, type: "single_line_text_field" } }] : [];
      },
      subscribe: () => () => {},
    },
    instructions: signal({ attributes: { canUpdateAttributes: true } }),
    checkoutToken: signal("checkout-token-1"),
    sessionToken: { get: async () => "session-token-1" },
    // No `intercept`: the block must not use the deprecated buyer-journey intercept (docs/decisions/044).
    buyerJourney: { completed: signal(false) },
    applyAttributeChange: async (change: HostCalls["attributes"][number]) => {
      calls.attributes.push(change);
      return { type: "success" };
    },
  };
  return calls;
}

interface Recorded {
  method: string;
  authorization: string | null;
  body: unknown;
}

function holdsApi(answer: { status: number; body: unknown }): Recorded[] {
  const recorded: Recorded[] = [];
  const handler = async ({ request }: { request: Request }) => {
    recorded.push({ method: request.method, authorization: request.headers.get("authorization"), body: await request.json() });
    return request.method === "POST" ? HttpResponse.json(answer.body as object, { status: answer.status }) : new HttpResponse(null, { status: 204 });
  };
  mswServer.use(http.post(`${APP_URL}/api/holds`, handler), http.delete(`${APP_URL}/api/holds`, handler));
  return recorded;
}

async function renderBlock() {
  vi.resetModules();
  const { default: main } = await import("./Checkout.jsx");
  await main();
}

async function unmountBlock() {
  const { render } = await import("preact");
  render(null, document.body);
}

afterEach(async () => {
  await unmountBlock();
  delete (globalThis as Record<string, unknown>).shopify;
});

describe("the checkout block, rendered with @shopify/ui-extensions", () => {
  it("holds the checkout's lines at the app's URL from the shop metafield, sets the key on the cart, and releases on leaving", async () => {
    const calls = installHost(APP_URL);
    const recorded = holdsApi({ status: 200, body: { holdKey: "key-1", lines: [{ variantId: MUG, ok: true }, { variantId: CUP, ok: true }] } });
    await renderBlock();

    await vi.waitFor(() => expect(calls.attributes).toHaveLength(3));
    expect(recorded[0]).toEqual({
      method: "POST",
      authorization: "Bearer session-token-1",
      body: { checkoutToken: "checkout-token-1", holdKey: null, lines: [{ variantId: MUG, quantity: 2 }, { variantId: CUP, quantity: 1 }] },
    });
    // Pending while asked, then the key, then the record removed: the numbers alone judge a held cart.
    expect(calls.attributes).toEqual([
      { type: "updateAttribute", key: "_safestockHoldState", value: "pending" },
      { type: "updateAttribute", key: "_safestockHold", value: "key-1" },
      { type: "removeAttribute", key: "_safestockHoldState" },
    ]);
    expect(document.body.childNodes.length).toBe(0);

    await unmountBlock();
    await vi.waitFor(() => expect(recorded).toHaveLength(2));
    expect(recorded[1]).toEqual({ method: "DELETE", authorization: "Bearer session-token-1", body: { checkoutToken: "checkout-token-1", holdKey: "key-1" } });
  });

  it("shows a critical banner naming the refused item and records the refusal for the Function on a 409", async () => {
    const calls = installHost(APP_URL);
    holdsApi({ status: 409, body: { holdKey: null, lines: [{ variantId: MUG, ok: false, available: 1, reason: "Only 1 left." }, { variantId: CUP, ok: true }] } });
    await renderBlock();

    await vi.waitFor(() => expect(document.body.firstChild?.nodeName.toLowerCase()).toBe("s-banner"));
    const banner = document.body.firstChild as Element;
    expect(banner.getAttribute("tone")).toBe("critical");
    expect(banner.textContent).toBe("Blue mug: Only 1 left.");
    // The Function blocks the mug while the cart asks more than 1 (variant 11 of MUG's GID).
    await vi.waitFor(() => expect(calls.attributes).toHaveLength(2));
    expect(calls.attributes).toEqual([
      { type: "updateAttribute", key: "_safestockHoldState", value: "pending" },
      { type: "updateAttribute", key: "_safestockHoldState", value: "refused:11=1" },
    ]);
  });

  it("calls nothing and records nothing before the app has written its URL", async () => {
    const calls = installHost(null);
    const recorded = holdsApi({ status: 200, body: {} });
    await renderBlock();
    // The block has looked for the app's URL, found none, and stays idle.
    await vi.waitFor(() => expect(calls.appUrlReads).toBeGreaterThan(0));
    expect(calls.attributes).toEqual([]);
    expect(recorded).toEqual([]);
    expect(document.body.childNodes.length).toBe(0);
  });
});
