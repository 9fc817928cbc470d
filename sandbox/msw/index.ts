/**
 * msw 2 handlers that route the app's outgoing Shopify calls to a sandbox, in-process:
 * `https://*.myshopify.com/admin/api/2026-10/graphql.json` and
 * `https://*.myshopify.com/admin/oauth/access_token` and bulk results
 * (`https://*.myshopify.com/sandbox/bulk/<id>.jsonl`) -> `sandbox.handle(request)`.
 * Optionally also the App Bridge CDN script. Usage: `server.use(...sandboxHandlers(sandbox))`.
 */
import { http, type HttpHandler } from "msw";
import { SANDBOX_API_VERSION } from "../contract.js";

export interface SandboxLike {
  handle(request: Request): Promise<Response>;
}

export function sandboxHandlers(sandbox: SandboxLike, options: { appBridge?: boolean } = {}): HttpHandler[] {
  const forward = ({ request }: { request: Request }) => sandbox.handle(request);
  const handlers = [
    http.post(`https://*.myshopify.com/admin/api/${SANDBOX_API_VERSION}/graphql.json`, forward),
    http.post("https://*.myshopify.com/admin/oauth/access_token", forward),
    // BulkOperation.url / partialDataUrl (the sandbox serves bulk results on the shop's host).
    http.get("https://*.myshopify.com/sandbox/bulk/*", forward),
  ];
  if (options.appBridge) {
    handlers.push(http.get("https://cdn.shopify.com/shopifycloud/app-bridge.js", forward));
  }
  return handlers;
}
