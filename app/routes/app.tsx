import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { NavMenu, useAppBridge } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { env } from "~/env.server";
import { authenticate } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const config = env();
  return json({ apiKey: config.SHOPIFY_API_KEY, appBridgeUrl: config.SAFESTOCK_APP_BRIDGE_URL ?? null });
};

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  // The sandbox serves a local App Bridge stand-in (no machine here reaches Shopify's CDN);
  // in Shopify admin appBridgeUrl is null and the provider loads the real script.
  const bridge = appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {};
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...bridge}>
      <NavMenu>
        <Link to="/app" rel="home">
          Overview
        </Link>
        {/* The merchant's tasks; Sync, Webhook deliveries and Policy versions sit under Diagnostics
            (issue 18 § 5: nested items are not supported by the nav menu). */}
        <Link to="/app/rules">Rules</Link>
        <Link to="/app/channels">Channels</Link>
        <Link to="/app/holds">Holds</Link>
        <Link to="/app/inventory">Inventory</Link>
        <Link to="/app/activity">Activity</Link>
        <Link to="/app/settings">Settings</Link>
        <Link to="/app/diagnostics">Diagnostics</Link>
      </NavMenu>
      <NavigationLoading />
      <Outlet />
    </AppProvider>
  );
}

/** Shopify admin's loading bar while a page loads or a form is submitted (App Bridge `shopify.loading`). */
function NavigationLoading() {
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const busy = navigation.state !== "idle";
  useEffect(() => {
    shopify.loading(busy);
  }, [busy, shopify]);
  return null;
}

// Shopify needs Remix to catch some thrown responses so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
