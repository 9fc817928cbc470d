import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

/**
 * What a page shows when its loader or action fails unexpectedly: the error in the merchant's
 * words inside the app (navigation and the rest of Safestock keep working), and a way to retry.
 * Routes re-export it as their ErrorBoundary; app.tsx's boundary stays for Shopify's own responses.
 */
export function PageErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : null;
  // Shopify's own answers (re-authentication, missing access) are the library's to render.
  if (status !== null && status >= 400 && status < 500 && status !== 404) return boundary.error(error);
  const detail = isRouteErrorResponse(error) ? String(error.data ?? error.statusText) : error instanceof Error ? error.message : null;
  return (
    <Page title="Something went wrong" backAction={{ content: "Overview", url: "/app" }}>
      <Card>
        <BlockStack gap="300">
          <Banner tone="critical" title={status === 404 ? "This page does not exist" : "This page could not be loaded"}>
            <p>Nothing was changed in your store. Try again; if it keeps failing, the Sync page shows whether Safestock is healthy.</p>
          </Banner>
          {detail && (
            <Text as="p" tone="subdued" breakWord>
              {detail}
            </Text>
          )}
          <BlockStack gap="200" inlineAlign="start">
            <Button onClick={() => window.location.reload()}>Try again</Button>
          </BlockStack>
        </BlockStack>
      </Card>
    </Page>
  );
}
