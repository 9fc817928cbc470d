import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, DataTable, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { loadOverview } from "~/services/overview.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await loadOverview(session.shop));
};

export default function Overview() {
  const overview = useLoaderData<typeof loader>();
  return (
    <Page title="Safestock">
      <TitleBar title="Safestock" />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Inventory protection for {overview.shop}
              </Text>
              <Text as="p" tone="subdued">
                Safestock listens to your orders and inventory, keeps safety stock at each location and shares what is
                left between your sales channels, so you never sell what you do not have.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            {overview.totalDeliveries === 0 ? (
              <EmptyState heading="Waiting for the first update from Shopify" image="">
                <p>
                  When an order is placed or stock changes, Shopify notifies Safestock. Those updates will appear here.
                </p>
              </EmptyState>
            ) : (
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {overview.totalDeliveries} updates received from Shopify
                </Text>
                <DataTable
                  columnContentTypes={["text", "numeric"]}
                  headings={["Topic", "Deliveries"]}
                  rows={overview.byTopic.map((row) => [row.topic, row.count])}
                />
              </BlockStack>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
