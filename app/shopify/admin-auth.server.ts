/**
 * `authenticate.admin` as every admin route calls it: the library's, without a bare 500 when
 * Shopify gives no token. shopify-app-remix answers a token exchange that
 * fails for any reason but `invalid_subject_token` (Shopify unreachable or answering 5xx, a shop
 * it no longer serves, any other refusal), and an `afterAuth` hook that throws, with an empty
 * 500 (server/authenticate/admin/strategies/token-exchange: `exchangeToken`,
 * `handleAfterAuthHook`). An invalid or expired session token is already answered as App Bridge
 * expects (a bounce for a document, 401 + `X-Shopify-Retry-Invalid-Session-Request: 1` for a
 * fetch); what is left is a merchant looking at a blank error. They get a page saying what
 * happened and what to do instead, answered 503 with `Retry-After` (RFC 9110 §15.6.4): the
 * failure is Shopify's or passing, and opening the app again runs the exchange again.
 */
import { SESSION_TOKEN_PARAM } from "./session-token-url";

/** The merchant-facing answer when Shopify gave no access token (HTML: the app's ErrorBoundary renders a thrown response's body). */
function accessUnavailableResponse(): Response {
  const body = [
    "<!DOCTYPE html>",
    '<div role="alert" data-testid="access-unavailable">',
    "<h1>Safestock could not connect to your store</h1>",
    "<p>Shopify did not give Safestock access to your store just now, so this page cannot load. Nothing was changed in your store.</p>",
    "<p>Open Safestock again from Apps in your Shopify admin in a minute. If this keeps happening, check that Safestock is still installed " +
      "(Settings → Apps and sales channels) and install it again from the Shopify App Store: your rules and settings are kept until Shopify " +
      "asks for them to be erased, 48 hours after an uninstall.</p>",
    "</div>",
  ].join("");
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Retry-After": "60", "Cache-Control": "no-store" } });
}

/**
 * The shop a failed request was for, for the log line: the session token's `dest` (the library
 * verified the token before the exchange failed), from the Authorization header or the URL.
 */
function shopOfFailedAdminRequest(request: Request): string | null {
  const url = new URL(request.url);
  const token = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? url.searchParams.get(SESSION_TOKEN_PARAM);
  try {
    const payload = JSON.parse(Buffer.from(token?.split(".")[1] ?? "", "base64url").toString("utf8")) as { dest?: unknown };
    if (typeof payload.dest === "string") return new URL(payload.dest).hostname;
  } catch {
    // Not a token: fall back to the shop parameter.
  }
  return url.searchParams.get("shop");
}

/** The library's own failure answer: status 500 and no body (its redirects and 401s all differ). */
const isBareLibraryFailure = (thrown: unknown): thrown is Response => thrown instanceof Response && thrown.status === 500 && thrown.body === null;

export function withClearAccessFailure<Context>(admin: (request: Request) => Promise<Context>): (request: Request) => Promise<Context> {
  return async (request) => {
    try {
      return await admin(request);
    } catch (thrown) {
      if (!isBareLibraryFailure(thrown)) throw thrown;
      // Unexpected: logged with the shop; the library logged nothing of the cause.
      console.error("admin: Shopify gave no access token (token exchange or afterAuth failed); answered 503", { shop: shopOfFailedAdminRequest(request), path: new URL(request.url).pathname });
      throw accessUnavailableResponse();
    }
  };
}
