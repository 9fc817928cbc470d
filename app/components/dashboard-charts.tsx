import { BlockStack, Card, DataTable, InlineGrid, Link, Text } from "@shopify/polaris";
import { BarChart, LineChart } from "./charts";

export interface DashboardChartsData {
  soldByDay: { label: string; value: number }[];
  lagByHour: { label: string; value: number | null; text: string }[];
  atRisk: { item: string; sku: string; title: string; available: number; daysText: string; rateText: string }[];
  pausedChannels: { channel: string; count: number; reason: string }[];
}

/** The Overview's charts: sales, sync lag, items at risk and paused channels, each with an empty state. */
export function DashboardCharts({ charts }: { charts: DashboardChartsData }) {
  const sold = charts.soldByDay.reduce((sum, day) => sum + day.value, 0);
  return (
    <BlockStack gap="400">
      <InlineGrid columns={1} gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Units sold, last 7 days
            </Text>
            {sold === 0 ? (
              <Text as="p" tone="subdued">
                No orders recorded yet: sales appear here as orders arrive.
              </Text>
            ) : (
              <BarChart title="Units sold per day, last 7 days" data={charts.soldByDay} unit="units" />
            )}
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Sync lag, last 24 hours
            </Text>
            {charts.lagByHour.every((hour) => hour.value === null) ? (
              <Text as="p" tone="subdued">
                No lag measured yet: Safestock measures it from each webhook and write.
              </Text>
            ) : (
              <LineChart title="Median sync lag per hour" data={charts.lagByHour} />
            )}
          </BlockStack>
        </Card>
      </InlineGrid>
      <InlineGrid columns={1} gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Items at risk
            </Text>
            {charts.atRisk.length === 0 ? (
              <Text as="p" tone="subdued">
                No item&apos;s channel numbers run out within a week at its measured sales rate.
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "text", "text"]}
                headings={["Item", "SKU", "Available to sell", "Sells", "Days of supply"]}
                rows={charts.atRisk.map((row) => [
                  // The Inventory search matches "Product / Variant" as well as a SKU: twins and blank SKUs find the one item.
                  <Link key={row.item} url={`/app/inventory?q=${encodeURIComponent(row.title || row.sku)}`}>
                    {row.title || row.sku || "No SKU"}
                  </Link>,
                  row.sku || "No SKU",
                  row.available,
                  row.rateText,
                  row.daysText,
                ])}
              />
            )}
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Channels paused and why
            </Text>
            {charts.pausedChannels.length === 0 ? (
              <Text as="p" tone="subdued">
                Every channel is selling.
              </Text>
            ) : (
              <BarChart title="Paused variants per channel" data={charts.pausedChannels.map((row) => ({ label: row.channel, value: row.count }))} unit="variants paused" />
            )}
            {charts.pausedChannels.map((row) => (
              <Text as="p" key={row.channel}>
                <Text as="span" fontWeight="semibold">
                  {row.channel}
                </Text>
                {`: ${row.count} variant${row.count === 1 ? "" : "s"} — ${row.reason}`}
              </Text>
            ))}
            <Link url="/app/channels">Manage channels</Link>
          </BlockStack>
        </Card>
      </InlineGrid>
    </BlockStack>
  );
}
