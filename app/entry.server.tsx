import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import morgan from "morgan";
import { renderToPipeableStream } from "react-dom/server";
import { compose, startWebBackgroundWork } from "./composition.server";
import { env } from "./env.server";
import { addDocumentResponseHeaders } from "./shopify.server";
import { redactSessionToken, searchWithoutSessionToken } from "./shopify/session-token-url";

// The web process's entry point: remix-serve (and `shopify app dev`) load it once with the server
// build. It composes the app and starts the queue worker and scheduler inside the process unless
// a separate `npm run worker` does the work or under tests (docs/decisions/023).
compose();
startWebBackgroundWork();

// remix-serve writes its access log with morgan("tiny") (@remix-run/serve's CLI), whose `:url`
// token is looked up each time a line is written: redefined here, the session token Shopify's
// admin puts in the app's URL is logged as [redacted] (app/shopify/session-token-url.ts).
morgan.token("url", (req) => redactSessionToken(req.originalUrl ?? req.url ?? ""));

const ABORT_DELAY_MS = 5_000;

/**
 * Under `npm run sandbox` the app is embedded by the emulated admin on SAFESTOCK_SANDBOX_ORIGIN
 * instead of admin.shopify.com; the library's CSP names only Shopify's admin origins
 * (https://shopify.dev/docs/apps/build/security/set-up-iframe-protection), so that origin is added.
 * Unset in production, where nothing changes.
 */
function allowSandboxAdminToFrame(headers: Headers) {
  const sandboxOrigin = env().SAFESTOCK_SANDBOX_ORIGIN;
  const csp = headers.get("Content-Security-Policy");
  if (!sandboxOrigin || !csp?.includes("frame-ancestors")) return;
  headers.set("Content-Security-Policy", csp.replace("frame-ancestors", `frame-ancestors ${sandboxOrigin}`));
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // Adds the frame-ancestors CSP Shopify admin requires for embedded apps.
  addDocumentResponseHeaders(request, responseHeaders);
  allowSandboxAdminToFrame(responseHeaders);
  // Rendered as if the URL had no session token, so no form's default action carries it; the
  // page drops it from its own URL before hydrating (app/root.tsx).
  const location = remixContext.staticHandlerContext.location;
  remixContext.staticHandlerContext.location = { ...location, search: searchWithoutSessionToken(location.search) };
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} />,
      {
        [callbackName]: () => {
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error) {
          reject(error);
        },
        onError(error) {
          responseStatusCode = 500;
          console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY_MS);
  });
}
