import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
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
  IndexTable,
  InlineStack,
  Page,
  Text,
  useIndexResourceState,
} from "@shopify/polaris";
import { useCallback, useEffect, useState } from "react";
import { BulkExceptionModal, type BulkKind } from "~/components/bulk-exception-modal";
import { saveDownload } from "~/components/download";
import { setBulkExceptions } from "~/services/bulk-exceptions.server";
import { formWithin, MAX_POLICY_FORM_BYTES, tooLargeMessage } from "~/services/form-body.server";
import { merchantOf } from "~/services/merchant.server";
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

/** Bulk edit: one exception for every selected item, into the rules draft; then Rules to preview and publish. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await formWithin(request, MAX_POLICY_FORM_BYTES);
  if (!form) return json({ ok: false as const, problems: [`The selection ${tooLargeMessage(MAX_POLICY_FORM_BYTES)}`] }, { status: 413 });
  const result = await setBulkExceptions(
    session.shop,
    { inventoryItemIds: idsOf(form.get("inventoryItemIds")), kind: String(form.get("kind") ?? ""), location: String(form.get("location") ?? ""), units: String(form.get("units") ?? "") },
    { updatedBy: merchantOf(session) },
  );
  if (!result.ok) return json(result, { status: 422 });
  return redirect(`/app/rules?bulk=${result.skus}`);
};

function idsOf(value: FormDataEntryValue | null): string[] {
  try {
    const ids: unknown = JSON.parse(String(value ?? "[]"));
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

/** The export is fetched through App Bridge (the session token), then saved. */
async function downloadExport(): Promise<string | null> {
  const response = await fetch("/app/inventory/export");
  if (!response.ok) return "The export could not be made. Try again in a moment.";
  await saveDownload(response, "safestock-inventory.csv");
  return null;
}

export default function Inventory() {
  const { items, search, nextCursor, previousCursor, applying, locationNames, publicationsKnown } = useLoaderData<typeof loader>();
  const setSearch = useSearchParamNavigation();
  const navigation = useNavigation();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(items, {
    resourceIDResolver: (item) => item.inventoryItemId,
  });
  // A new search or page starts with nothing selected.
  const pageKey = items.map((item) => item.inventoryItemId).join("|");
  useEffect(() => clearSelection(), [pageKey, clearSelection]);
  // Only rows on this page count: a selection made before a search or a page turn never edits hidden items.
  const selected = items.filter((item) => allResourcesSelected || selectedResources.includes(item.inventoryItemId)).map((item) => item.inventoryItemId);
  const selectedSkus = new Set(items.filter((item) => selected.includes(item.inventoryItemId)).map((item) => item.sku)).size;
  const [bulkKind, setBulkKind] = useState<BulkKind | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const exportCsv = useCallback(async () => {
    setExporting(true);
    setExportError(null);
    setExportError(await downloadExport().catch(() => "The export could not be made. Try again in a moment."));
    setExporting(false);
  }, []);

  useRefreshWhile(applying);

  const goTo = (cursor: string, direction: "next" | "previous") => setSearch({ cursor, direction });

  return (
    <Page
      title="Inventory"
      subtitle="What each location holds back and what each channel may sell"
      backAction={{ content: "Overview", url: "/app" }}
      secondaryActions={[{ content: "Export CSV", onAction: () => void exportCsv(), loading: exporting, disabled: exporting, accessibilityLabel: "Export CSV of every item, location and channel" }]}
    >
      <TitleBar title="Inventory" />
      <BulkExceptionModal
        kind={bulkKind}
        inventoryItemIds={selected}
        skuCount={selectedSkus}
        locations={locationNames}
        onClose={() => setBulkKind(null)}
      />
      <BlockStack gap="400">
        {exporting && (
          <Banner tone="info" title="Preparing your export">
            <p>Safestock is writing every item, location and channel to a CSV file; the download starts when it is ready.</p>
          </Banner>
        )}
        {exportError && (
          <Banner tone="critical" title="Export failed" onDismiss={() => setExportError(null)}>
            <p>{exportError}</p>
          </Banner>
        )}
        {applying && (
          <Banner tone="info" title="Applying your latest changes">
            <p>Safestock is recomputing your inventory; these numbers refresh by themselves when it is done.</p>
          </Banner>
        )}
        {!publicationsKnown && (
          <Banner tone="warning" title="Sales channels not checked">
            <p>Shopify did not say which channels these products are published on, so every channel shows its number. Reload the page to try again.</p>
          </Banner>
        )}
        <SkuSearch
          name="q"
          label="Search by SKU, product or variant title"
          placeholder="e.g. RING-7, Gold Ring or Gold Ring / 7"
          submitLabel="Search"
          active={search}
          resetUrl="/app/inventory"
          loading={navigation.state === "loading" && navigation.location?.pathname === "/app/inventory"}
        />

        {items.length === 0 ? (
          <Card>
            {search ? (
              <EmptyState heading={`No item matches “${search}”`} action={{ content: "Show all items", url: "/app/inventory" }} image="">
                <p>Search matches any part of a SKU, a product title or a variant title, for example “RING”, “Gold” or “Gold Ring / 7”.</p>
              </EmptyState>
            ) : (
              <EmptyState heading="No inventory synced yet" action={{ content: "Go to Sync", url: "/app/sync" }} image="">
                <p>Safestock lists your tracked items here once the first import from Shopify has finished.</p>
              </EmptyState>
            )}
          </Card>
        ) : (
          <>
            <Card padding="0">
              <IndexTable
                resourceName={{ singular: "item", plural: "items" }}
                itemCount={items.length}
                selectedItemsCount={allResourcesSelected ? "All" : selected.length}
                onSelectionChange={handleSelectionChange}
                promotedBulkActions={[
                  { content: "Set safety stock", onAction: () => setBulkKind("safety_stock") },
                  { content: "Set display units", onAction: () => setBulkKind("display") },
                ]}
                headings={[{ title: "Item" }, { title: "SKU" }, { title: "On hand", alignment: "end" }, { title: "Protected", alignment: "end" }, { title: "Available to sell", alignment: "end" }, { title: "Days of supply" }]}
                // Under the item list, not below the page's 20 "Why, per item" cards (thousands of
                // pixels down), where a merchant with more than one page of items never finds it.
                pagination={
                  nextCursor || previousCursor
                    ? {
                        hasPrevious: Boolean(previousCursor),
                        onPrevious: () => previousCursor && goTo(previousCursor, "previous"),
                        hasNext: Boolean(nextCursor),
                        onNext: () => nextCursor && goTo(nextCursor, "next"),
                        accessibilityLabels: { previous: "Previous items", next: "Next items" },
                      }
                    : undefined
                }
              >
                {items.map((item, index) => (
                  <IndexTable.Row
                    id={item.inventoryItemId}
                    key={item.inventoryItemId}
                    position={index}
                    selected={selected.includes(item.inventoryItemId)}
                    accessibilityLabel={`Select ${item.title}${item.sku ? ` (${item.sku})` : " (no SKU)"}`}
                  >
                    <IndexTable.Cell>
                      <Text as="span" fontWeight="semibold">
                        {item.title}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{item.sku ? item.sku : <Text as="span" tone="subdued">No SKU</Text>}</IndexTable.Cell>
                    <IndexTable.Cell>
                      {/* A bundle has no stock of its own (docs/decisions/034): "0" would read as sold out. */}
                      {item.bundle ? (
                        <Text as="span" alignment="end" tone="subdued">
                          Bundle: from components
                        </Text>
                      ) : (
                        <Text as="span" alignment="end" numeric>
                          {item.leftAlone ? "—" : item.levels.reduce((sum, level) => sum + (level.onHand ?? 0), 0)}
                        </Text>
                      )}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {item.leftAlone || item.bundle ? "—" : item.levels.reduce((sum, level) => sum + level.protected, 0)}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {item.supply.sellable ?? "—"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <BlockStack gap="0">
                        <Text as="span">{item.supply.text}</Text>
                        {item.supply.rate && (
                          <Text as="span" tone="subdued" variant="bodySm">
                            {`sells ${item.supply.rate}`}
                          </Text>
                        )}
                      </BlockStack>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </Card>
            {selected.length > 0 && (
              <InlineStack align="end">
                <Button onClick={clearSelection} variant="plain">
                  Clear selection
                </Button>
              </InlineStack>
            )}
            <Text as="h2" variant="headingMd">
              Why, per item
            </Text>
            {items.map((item) => (
            // A named region per item lets screen-reader users jump between items.
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
                        !channel.published ? (
                          <Text as="span" tone="subdued" key={channel.channel}>
                            Not published
                          </Text>
                        ) : channel.paused ? (
                          <InlineStack gap="100" align="end" key={channel.channel}>
                            <Badge tone="warning">Paused</Badge>
                            <span>{channel.available}</span>
                          </InlineStack>
                        ) : (
                          channel.available
                        ),
                        channel.published ? (
                          <Reasons key={channel.channel} lines={channel.explain} empty="Shares the whole pool" />
                        ) : (
                          `This product is not published on ${channel.channel} in Shopify, so it does not sell there.`
                        ),
                      ])}
                    />
                  )}
                </BlockStack>
              </Card>
            </section>
            ))}
          </>
        )}

      </BlockStack>
    </Page>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
