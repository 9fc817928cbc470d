import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Card, EmptyState, IndexTable, Page, Text } from "@shopify/polaris";
import { loadWebhookDeliveries } from "~/services/overview.server";
import { useSearchParamNavigation } from "~/components/use-page-state";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const cursor = new URL(request.url).searchParams.get("cursor");
  return json(await loadWebhookDeliveries(session.shop, cursor));
};

export default function WebhookDeliveries() {
  const { deliveries, nextCursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const setSearch = useSearchParamNavigation();
  const onFirstPage = !params.get("cursor");
  const goTo = (cursor: string | null) => setSearch({ cursor });

  return (
    <Page title="Webhook deliveries" backAction={{ content: "Diagnostics", url: "/app/diagnostics" }}>
      <TitleBar title="Webhook deliveries" />
      <Card padding="0">
        {deliveries.length === 0 && onFirstPage ? (
          <EmptyState heading="No deliveries yet" image="">
            <p>
              Every order and inventory update Shopify sends to Safestock is listed here, newest first. A delivery whose shop or
              topic disagrees with its signed body, that arrives too late, or whose body cannot be processed is listed with the reason it was not acted on.
            </p>
          </EmptyState>
        ) : (
          <IndexTable
            resourceName={{ singular: "delivery", plural: "deliveries" }}
            itemCount={deliveries.length}
            selectable={false}
            headings={[{ title: "Topic" }, { title: "Triggered" }, { title: "Received" }, { title: "Arrived after" }, { title: "Status" }, { title: "Why not acted on" }]}
            pagination={{
              hasNext: Boolean(nextCursor),
              onNext: () => goTo(nextCursor),
              hasPrevious: !onFirstPage,
              onPrevious: () => goTo(null),
            }}
          >
            {deliveries.map((delivery, index) => (
              <IndexTable.Row id={delivery.id} key={delivery.id} position={index}>
                <IndexTable.Cell>
                  <Text as="span" fontWeight="semibold">
                    {delivery.topic}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{delivery.triggeredAt ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>{delivery.receivedAt}</IndexTable.Cell>
                <IndexTable.Cell>{delivery.arrivedAfter ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={statusTone(delivery.status)}>
                    {delivery.duplicates > 0 ? `${delivery.status} (+${delivery.duplicates} duplicates)` : delivery.status}
                  </Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" tone="subdued">
                    {delivery.reason ?? ""}
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
    </Page>
  );
}

/** Refused deliveries claimed something Shopify's signature or Shopify itself did not back. */
function statusTone(status: string) {
  if (status === "failed" || status === "refused" || status === "parked") return "critical" as const;
  if (status === "stale") return "warning" as const;
  return undefined;
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
