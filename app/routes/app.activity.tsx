import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Card, EmptyState, IndexTable, Page, Text } from "@shopify/polaris";
import { loadActivity } from "~/services/activity-view.server";
import { pageRequestOf } from "~/services/display-view.server";
import { SkuSearch } from "~/components/sku-search";
import { useSearchParamNavigation } from "~/components/use-page-state";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const sku = params.get("sku")?.trim() || null;
  const item = params.get("item")?.trim() || null;
  return json(await loadActivity(session.shop, { sku, item, ...pageRequestOf(params) }));
};

export default function Activity() {
  const { entries, sku, variant, nextCursor, previousCursor } = useLoaderData<typeof loader>();
  const setSearch = useSearchParamNavigation();

  const goTo = (cursor: string, direction: "next" | "previous") => setSearch({ cursor, direction });

  return (
    <Page title="Activity" subtitle="Every change Safestock made, newest first, with its reason" backAction={{ content: "Overview", url: "/app" }}>
      <TitleBar title="Activity" />
      <BlockStack gap="400">
        <SkuSearch
          name="sku"
          label="Filter by SKU"
          placeholder="Whole SKU in any case, e.g. ring-7"
          submitLabel="Filter"
          active={sku}
          resetUrl="/app/activity"
        />
        {variant && <Banner tone="info" title={`Showing ${variant} only`} action={{ content: "Show all", url: "/app/activity" }} />}
        <Card padding="0">
          {entries.length === 0 && !previousCursor ? (
            <EmptyState heading={variant ? `No activity for ${variant}` : sku ? `No activity for ${sku}` : "No activity yet"} image="">
              <p>
                {sku
                  ? "Safestock has not changed anything for this SKU. Check the spelling: the filter matches the whole SKU (upper or lower case does not matter), not part of it."
                  : "When Safestock moves units into safety stock, changes what a channel may sell or you publish a policy, it is recorded here."}
              </p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "change", plural: "changes" }}
              itemCount={entries.length}
              selectable={false}
              headings={[
                { title: "When" },
                { title: "What" },
                { title: "Change" },
                { title: "Reason" },
                { title: "By" },
              ]}
              pagination={{
                hasNext: Boolean(nextCursor),
                onNext: () => nextCursor && goTo(nextCursor, "next"),
                hasPrevious: Boolean(previousCursor),
                onPrevious: () => previousCursor && goTo(previousCursor, "previous"),
              }}
            >
              {entries.map((entry, index) => (
                <IndexTable.Row id={entry.id} key={entry.id} position={index}>
                  <IndexTable.Cell>{entry.at}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold">
                        {entry.subject}
                      </Text>
                      {(entry.sku || entry.where) && (
                        <Text as="span" tone="subdued">
                          {[entry.sku, entry.where].filter(Boolean).join(" · ")}
                        </Text>
                      )}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{entry.change ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    {/* Table cells do not wrap; long reasons do, so the table fits a 1280 px window. */}
                    <div style={{ whiteSpace: "normal", minWidth: "16rem", maxWidth: "30rem" }}>
                      <Text as="span" breakWord>
                        {entry.reason}
                      </Text>
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="050" inlineAlign="start">
                      <Badge>{entry.actor}</Badge>
                      {/* Rule version and Shopify request id: what support needs to trace a change. */}
                      <div style={{ whiteSpace: "normal", maxWidth: "13rem" }}>
                        <Text as="span" tone="subdued" variant="bodySm" breakWord>
                          {[entry.ruleVersion === null ? null : entry.ruleVersion === 0 ? "no policy published yet" : `policy v${entry.ruleVersion}`, entry.requestId ? `request ${entry.requestId}` : null]
                            .filter(Boolean)
                            .join(" · ") || "—"}
                        </Text>
                      </div>
                    </BlockStack>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
