/**
 * The session token in the app's URL. Shopify's admin opens an embedded app at its URL with the
 * session token as the `id_token` parameter (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens:
 * token exchange on the initial load), a bearer credential for its minute of life. After that
 * load App Bridge's `fetch` carries a fresh one in the Authorization header, so the token has no
 * business in form actions, links or the access log (issue 22).
 */
export const SESSION_TOKEN_PARAM = "id_token";

/** A query string (`?a=1&id_token=…`) without the session token; "" when nothing else is left. */
export function searchWithoutSessionToken(search: string): string {
  const params = new URLSearchParams(search);
  if (!params.has(SESSION_TOKEN_PARAM)) return search;
  params.delete(SESSION_TOKEN_PARAM);
  const rest = params.toString();
  return rest ? `?${rest}` : "";
}

/** A URL or path as the access log writes it: the session token's value replaced. */
export function redactSessionToken(url: string): string {
  return url.replace(/([?&]id_token=)[^&#\s]*/g, "$1[redacted]");
}

/**
 * Run in the page before the app hydrates (app/root.tsx): the token leaves the frame's URL, so the
 * router's location, and with it every form's default action, no longer carries it.
 */
export const STRIP_SESSION_TOKEN_SCRIPT = `(function(){try{var u=new URL(window.location.href);if(u.searchParams.has("${SESSION_TOKEN_PARAM}")){u.searchParams.delete("${SESSION_TOKEN_PARAM}");window.history.replaceState(window.history.state,"",u.pathname+u.search+u.hash);}}catch(e){}})();`;
