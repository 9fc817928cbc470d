import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Page,
  Pagination,
  Text,
} from "@shopify/polaris";
import { pageRequestOf } from "~/services/display-view.server";
import { loadInventoryPage } from "~/services/inventory-view.server";
import { Reasons } from "~/components/reasons";
import { SkuSearch } from "~/components/sku-search";
import { useRefreshWhile, useSearchParamNavigation } from "~/components/use-page-state";
import { authenticate } from "~/shopify.server";


export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const search = params.get("q")?.trim() || null;
  return json(await loadInventoryPage(session.shop, { search, ...pageRequestOf(params) }));
};

export default function Inventory() {
  const { items, search, nextCursor, previousCursor, applying } = useLoaderData<typeof loader>();
  const setSearch = useSearchParamNavigation();
  const navigation = useNavigation();

  useRefreshWhile(applying);

  const goTo = (cursor: string, direction: "next" | "previous") => setSearch({ cursor, direction });

  return (
    <Page title="Inventory" subtitle="What each location holds back and what each channel may sell" backAction={{ content: "Overview", url: "/app" }}>
      <TitleBar title="Inventory" />
      <BlockStack gap="400">
        {applying && (
          <Banner tone="info" title="Applying your latest changes">
            <p>Safestock is recomputing your inventory; these numbers refresh by themselves when it is done.</p>
          </Banner>
        )}
        <SkuSearch
          name="q"
          label="Search by SKU"
          placeholder="SKU, product or variant, e.g. RING-7"
          submitLabel="Search"
          active={search}
          resetUrl="/app/inventory"
          loading={navigation.state === "loading" && navigation.location?.pathname === "/app/inventory"}
        />

        {items.length === 0 ? (
          <Card>
            {search ? (
              <EmptyState heading={`No SKU matches “${search}”`} action={{ content: "Show all SKUs", url: "/app/inventory" }} image="">
                <p>Search matches any part of a SKU, for example “RING” or “7”.</p>
              </EmptyState>
            ) : (
              <EmptyState heading="No inventory synced yet" action={{ content: "Go to Sync", url: "/app/sync" }} image="">
                <p>Safestock lists your tracked SKUs here once the first import from Shopify has finished.</p>
              </EmptyState>
            )}
          </Card>
        ) : (
          items.map((item) => (
            // A named region per SKU lets screen-reader users jump between SKUs.
            <section key={item.inventoryItemId} aria-label={item.sku ? `${item.sku} ${item.title}` : item.title}>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <BlockStack gap="050">
                      <InlineStack gap="200" blockAlign="center">
                        <Text as="h2" variant="headingMd">
                          {item.sku || "No SKU"}
                        </Text>
                        {item.continueSelling && <Badge tone="info">Keeps selling when out of stock</Badge>}
                        {item.leftAlone && <Badge>Left alone</Badge>}
                        {item.bundle && <Badge tone="info">Bundle</Badge>}
                      </InlineStack>
                      <Text as="p" tone="subdued">
                        {item.title}
                      </Text>
                    </BlockStack>
                    {/* Twins share a SKU: the link shows this variant's own history. */}
                    <Button url={`/app/activity?item=${encodeURIComponent(item.inventoryItemId)}`} variant="plain">
                      {`Activity for ${item.sku || item.title}`}
                    </Button>
                  </InlineStack>
                  {item.continueSelling && (
                    <Text as="p" tone="subdued">
                      Shopify keeps selling this item when it is out of stock (preorders, backorders), so Safestock never blocks it at
                      checkout and never counts its sales as oversold. Your rules may still protect its units on hand: they stay out of
                      every channel&apos;s number, and orders beyond what is available become backorders.
                    </Text>
                  )}
                  {item.leftAlone && (
                    <Text as="p" tone="subdued">
                      {item.leftAlone}
                    </Text>
                  )}
                  {item.bundle && (
                    <Text as="p" tone="subdued">
                      A bundle: it has no stock of its own. Safestock protects its components, and each channel may sell as many
                      bundles as its scarcest component allows.
                    </Text>
                  )}
                  {item.leftAlone || item.bundle ? null : item.levels.length === 0 ? (
                    <Text as="p" tone="subdued">
                      Not computed yet: the next sync fills this in.
                    </Text>
                  ) : (
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
                      headings={["Location", "On hand", "Protected", "Available", "Why"]}
                      rows={item.levels.map((level) => [
                        level.location,
                        level.onHand ?? "—",
                        level.protected,
                        level.available,
                        <Reasons key={level.location} lines={level.explain} empty="Nothing withheld" />,
                      ])}
                    />
                  )}
                  {item.channels.length > 0 && (
                    <DataTable
                      columnContentTypes={["text", "numeric", "text"]}
                      headings={["Channel", "Available to sell", "Why"]}
                      rows={item.channels.map((channel) => [
                        channel.channel,
                        channel.paused ? (
                          <InlineStack gap="100" align="end" key={channel.channel}>
                            <Badge tone="warning">Paused</Badge>
                            <span>{channel.available}</span>
                          </InlineStack>
                        ) : (
                          channel.available
                        ),
                        <Reasons key={channel.channel} lines={channel.explain} empty="Shares the whole pool" />,
                      ])}
                    />
                  )}
                </BlockStack>
              </Card>
            </section>
          ))
        )}

        {(nextCursor || previousCursor) && (
          <InlineStack align="center">
            <Pagination
              hasPrevious={Boolean(previousCursor)}
              onPrevious={() => previousCursor && goTo(previousCursor, "previous")}
              hasNext={Boolean(nextCursor)}
              onNext={() => nextCursor && goTo(nextCursor, "next")}
              accessibilityLabels={{ previous: "Previous SKUs", next: "Next SKUs" }}
            />
          </InlineStack>
        )}
      </BlockStack>
    </Page>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
