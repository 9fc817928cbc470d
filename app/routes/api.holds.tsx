import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { holdCart, holdRequestWait, releaseCart } from "~/services/holds.server";
import { jsonWithin, MAX_HOLD_REQUEST_BYTES } from "~/services/request-body.server";
import { authenticate } from "~/shopify.server";

/**
 * Cart holds for the checkout UI extension (extensions/safestock-cart-hold). Authenticated with
 * the extension's session token (`authenticate.public.checkout`,
 * https://shopify.dev/docs/api/shopify-app-remix/latest/authenticate/public/checkout), which also
 * answers the CORS preflight. The checkout token identifies the checkout to the app only; the
 * buyer's cart carries the random hold key the answer names (docs/decisions/019).
 */
// Bounds (issue 22: a 1 MB checkoutToken was stored): Shopify's checkout tokens are 32 hex
// characters and hold keys 22 (`newHoldKey`); 256 and 64 leave room without storing megabytes.
const checkoutToken = z.string().min(1).max(256);
const holdKey = z.string().min(1).max(64);
const variantId = z.string().startsWith("gid://shopify/ProductVariant/").max(100);
const HoldRequest = z.object({
  checkoutToken,
  /** The key of this checkout's running holds, from the previous answer: without it a new key is minted. */
  holdKey: holdKey.nullish(),
  lines: z.array(z.object({ variantId, quantity: z.number().int().max(10_000) })).max(250),
});
const ReleaseRequest = z.object({ checkoutToken, holdKey, variantIds: z.array(variantId).max(250).optional() });

const USE_POST_OR_DELETE = "Use POST to hold a checkout's lines, DELETE to release them.";

/** Each refused field by name ("lines.0.quantity: Expected integer, received float"); the body itself is "body". */
const problemsOf = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");

/**
 * The extension's session token. A refusal (401: no token or a bad one) gets
 * `Access-Control-Allow-Origin: *` too: the library's `cors` is handed out only once the token
 * passed, and the block runs on another origin (https://extensions.shopifycdn.com), where fetch
 * hides an answer without that header behind a network error (the Fetch standard's CORS check), so
 * the block could not tell a refused token from an unreachable app.
 */
async function authenticateCheckout(request: Request) {
  try {
    return await authenticate.public.checkout(request);
  } catch (thrown) {
    if (thrown instanceof Response && !thrown.headers.has("Access-Control-Allow-Origin")) thrown.headers.set("Access-Control-Allow-Origin", "*");
    throw thrown;
  }
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { cors } = await authenticateCheckout(request);
  return cors(json({ error: USE_POST_OR_DELETE }, { status: 405 }));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { sessionToken, cors } = await authenticateCheckout(request);
  // PUT or PATCH would otherwise be read as a POST and hold stock.
  if (request.method !== "POST" && request.method !== "DELETE") return cors(json({ error: USE_POST_OR_DELETE }, { status: 405, headers: { Allow: "POST, DELETE" } }));
  const shop = new URL(sessionToken.dest).hostname;
  // The buyer's checkout session, from the signed token: holds and the rate limit are per session
  // (issue 22: one session token held all stock under 17 invented checkout tokens).
  const session = sessionToken.sid || sessionToken.jti || sessionToken.sub || "unknown";
  const wait = await holdRequestWait(shop, session);
  if (wait > 0) return cors(json({ error: "Too many hold requests from this checkout; try again shortly." }, { status: 429, headers: { "Retry-After": String(wait) } }));
  // Bounded while read (issue 22): 250 lines of a variant id and a quantity are ~25 KB.
  const read = await jsonWithin(request, MAX_HOLD_REQUEST_BYTES);
  // The checkout block reads every answer as JSON, so the refusal is JSON too.
  if (!read.ok) return cors(json({ error: `The request body is larger than ${MAX_HOLD_REQUEST_BYTES} bytes.` }, { status: 413, headers: { Connection: "close" } }));
  if (read.notJson) return cors(json({ error: "body: is not JSON" }, { status: 400 }));
  const body = read.value;

  if (request.method === "DELETE") {
    const parsed = ReleaseRequest.safeParse(body);
    if (!parsed.success) return cors(json({ error: problemsOf(parsed.error) }, { status: 400 }));
    const released = await releaseCart(shop, parsed.data.checkoutToken, parsed.data.holdKey, parsed.data.variantIds);
    return cors(json({ released }));
  }

  const parsed = HoldRequest.safeParse(body);
  if (!parsed.success) return cors(json({ error: problemsOf(parsed.error) }, { status: 400 }));
  // Answers once Shopify can enforce the holds (docs/decisions/008-cart-holds.md, enforcement in
  // docs/decisions/019): the channel metafield naming the hold key has been written and read back
  // before the answer leaves, and the block waits for it before the buyer may pay, so no other
  // buyer's checkout can pass the Function in between. The block then sets the key as a cart attribute.
  const { holdKey, lines } = await holdCart(shop, { holder: parsed.data.checkoutToken, holdKey: parsed.data.holdKey, lines: parsed.data.lines, session });
  return cors(json({ holdKey, lines }, { status: lines.every((line) => line.ok) ? 200 : 409 }));
};
