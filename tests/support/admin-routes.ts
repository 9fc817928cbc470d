/**
 * Calls a page route's loader or action as the embedded app would: a request carrying a session
 * token (signed with the app secret, as App Bridge's fetch sends it), authenticated by
 * @shopify/shopify-app-remix against the offline session that token exchange stored at install.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { SANDBOX_SHOP_DOMAIN } from "../../sandbox";
import type { Harness } from "./harness";

type RouteFunction = (args: LoaderFunctionArgs) => Promise<Response> | Response;

export interface RouteAnswer<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  location: string | null;
  data: T;
}

async function answerOf(run: () => Promise<Response> | Response): Promise<RouteAnswer> {
  let response: Response;
  try {
    response = await run();
  } catch (thrown) {
    if (thrown instanceof Response) response = thrown;
    else throw thrown;
  }
  const text = await response.text();
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, location: response.headers.get("Location"), data };
}

function headers(harness: Harness, shop: string) {
  return { Authorization: `Bearer ${harness.sandbox.mintSessionToken(shop)}` };
}

export function callLoader(harness: Harness, loader: RouteFunction, path: string, shop = SANDBOX_SHOP_DOMAIN) {
  const request = new Request(new URL(path, process.env.SHOPIFY_APP_URL), { headers: headers(harness, shop) });
  return answerOf(() => loader({ request, params: {}, context: {} }));
}

export function callAction(harness: Harness, action: RouteFunction, path: string, form: Record<string, string>, shop = SANDBOX_SHOP_DOMAIN) {
  const request = new Request(new URL(path, process.env.SHOPIFY_APP_URL), {
    method: "POST",
    headers: headers(harness, shop),
    body: new URLSearchParams(form),
  });
  return answerOf(() => action({ request, params: {}, context: {} }));
}
