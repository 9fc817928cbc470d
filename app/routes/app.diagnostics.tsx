import type { LoaderFunctionArgs } from "@remix-run/node";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, Link, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";

/**
 * One navigation item for the pages a merchant opens only to look into how Safestock works: the
 * app's navigation keeps to the merchant's tasks (issue 18 § 5; App Bridge's nav menu takes no
 * nested items: https://shopify.dev/docs/api/app-bridge-library/web-components/ui-nav-menu).
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

const PAGES = [
  { url: "/app/sync", title: "Sync", about: "Reconciliations with Shopify, the job queue and webhook health." },
  { url: "/app/webhooks", title: "Webhook deliveries", about: "Every delivery Shopify sent, how it was handled, and replays." },
  { url: "/app/policy", title: "Policy versions and JSON", about: "Every published version, rollback, and the policy as JSON." },
];

export default function Diagnostics() {
  return (
    <Page title="Diagnostics" backAction={{ content: "Overview", url: "/app" }}>
      <TitleBar title="Diagnostics" />
      <Card>
        <BlockStack gap="400">
          {PAGES.map((page) => (
            <BlockStack gap="100" key={page.url}>
              <Link url={page.url}>{page.title}</Link>
              <Text as="p" tone="subdued">
                {page.about}
              </Text>
            </BlockStack>
          ))}
        </BlockStack>
      </Card>
    </Page>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
