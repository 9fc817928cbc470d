import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { holdCart, releaseCart } from "~/services/holds.server";
import { jsonWithin, MAX_HOLD_REQUEST_BYTES, payloadTooLarge } from "~/services/request-body.server";
import { authenticate } from "~/shopify.server";

/**
 * Cart holds for the checkout UI extension (extensions/safestock-cart-hold). Authenticated with
 * the extension's session token (`authenticate.public.checkout`,
 * https://shopify.dev/docs/api/shopify-app-remix/latest/authenticate/public/checkout), which also
 * answers the CORS preflight. The checkout token identifies the checkout to the app only; the
 * buyer's cart carries the random hold key the answer names (docs/decisions/019).
 */
const HoldRequest = z.object({
  checkoutToken: z.string().min(1),
  /** The key of this checkout's running holds, from the previous answer: without it a new key is minted. */
  holdKey: z.string().min(1).nullish(),
  lines: z.array(z.object({ variantId: z.string().startsWith("gid://shopify/ProductVariant/"), quantity: z.number().int() })).max(250),
});
const ReleaseRequest = z.object({ checkoutToken: z.string().min(1), holdKey: z.string().min(1), variantIds: z.array(z.string()).optional() });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { cors } = await authenticate.public.checkout(request);
  return cors(json({ error: "Use POST to hold a checkout's lines, DELETE to release them." }, { status: 405 }));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { sessionToken, cors } = await authenticate.public.checkout(request);
  const shop = new URL(sessionToken.dest).hostname;
  // Bounded while read (issue 22): 250 lines of a variant id and a quantity are ~25 KB.
  const read = await jsonWithin(request, MAX_HOLD_REQUEST_BYTES);
  if (!read.ok) return cors(payloadTooLarge(MAX_HOLD_REQUEST_BYTES));
  const body = read.value;

  if (request.method === "DELETE") {
    const parsed = ReleaseRequest.safeParse(body);
    if (!parsed.success) return cors(json({ error: parsed.error.issues.map((issue) => issue.message).join("; ") }, { status: 400 }));
    const released = await releaseCart(shop, parsed.data.checkoutToken, parsed.data.holdKey, parsed.data.variantIds);
    return cors(json({ released }));
  }

  const parsed = HoldRequest.safeParse(body);
  if (!parsed.success) return cors(json({ error: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") }, { status: 400 }));
  // Answers once Shopify can enforce the holds (docs/decisions/008-cart-holds.md, enforcement in
  // docs/decisions/019): the channel metafield naming the hold key has been written and read back
  // before the answer leaves, and the block waits for it before the buyer may pay, so no other
  // buyer's checkout can pass the Function in between. The block then sets the key as a cart attribute.
  const { holdKey, lines } = await holdCart(shop, { holder: parsed.data.checkoutToken, holdKey: parsed.data.holdKey, lines: parsed.data.lines });
  return cors(json({ holdKey, lines }, { status: lines.every((line) => line.ok) ? 200 : 409 }));
};
