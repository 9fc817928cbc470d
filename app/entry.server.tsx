import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { compose, startWebBackgroundWork } from "./composition.server";
import { env } from "./env.server";
import { addDocumentResponseHeaders } from "./shopify.server";

// The web process's entry point: remix-serve (and `shopify app dev`) load it once with the server
// build. It composes the app and starts the queue worker and scheduler inside the process unless
// a separate `npm run worker` does the work or under tests (docs/decisions/023).
compose();
startWebBackgroundWork();

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
