import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import { STRIP_SESSION_TOKEN_SCRIPT } from "./shopify/session-token-url";

export default function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        {/* Before the app's scripts: the session token leaves the URL (app/shopify/session-token-url.ts). */}
        <script dangerouslySetInnerHTML={{ __html: STRIP_SESSION_TOKEN_SCRIPT }} />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
