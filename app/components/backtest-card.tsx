import { Form, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, EmptyState, InlineGrid, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { BacktestFigures, BufferSuggestion, ReserveSuggestion, StoredBacktest } from "~/domain/backtest";
import { BarChart } from "./charts";
import { formatCount } from "./format";

/** The backtest as the Preview page's loader returns it (app/services/backtest.server.ts). */
export interface BacktestPanelData {
  status: "running" | "done" | "failed";
  processed: number;
  total: number;
  error: string | null;
  result: StoredBacktest | null;
}

/** The rows of the side-by-side table, in the merchant's words. */
const MEASURES: { key: keyof BacktestFigures; label: string }[] = [
  { key: "oversoldUnits", label: "Units oversold" },
  { key: "oversoldOrders", label: "Orders oversold" },
  { key: "refusedOrders", label: "Orders refused" },
  { key: "withheldUnits", label: "Units held back that would have sold" },
  { key: "net", label: "Net (units filled − units oversold)" },
];

/** "3 → 0": the policy in force, then the candidate. */
const change = (before: number, after: number) => (before === after ? formatCount(after) : `${formatCount(before)} → ${formatCount(after)}`);

function RunButton({ previewId, label, primary }: { previewId: string; label: string; primary?: boolean }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "backtest";
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="backtest" />
      <input type="hidden" name="id" value={previewId} />
      <Button submit variant={primary ? "primary" : undefined} loading={busy}>
        {label}
      </Button>
    </Form>
  );
}

/** Preview's "what would this policy have cost": progress, figures side by side, a chart and suggestions. */
export function BacktestCard({ previewId, backtest }: { previewId: string; backtest: BacktestPanelData | null }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Backtest on your past orders
        </Text>
        {backtest === null && (
          <BlockStack gap="200">
            <Text as="p">
              Replays the last 30 days of orders with this policy, the one in force and no protection, using each channel&apos;s refresh time and your measured sync delay: how
              many units each would have oversold, and how many sales it would have held back.
            </Text>
            <InlineStack>
              <RunButton previewId={previewId} label="Run backtest" primary />
            </InlineStack>
          </BlockStack>
        )}
        {backtest?.status === "running" && <Progress backtest={backtest} />}
        {backtest?.status === "failed" && (
          <Banner tone="critical" title="The backtest could not finish">
            <BlockStack gap="200">
              <p>{backtest.error ?? "Something went wrong while reading your orders."}</p>
              <InlineStack>
                <RunButton previewId={previewId} label="Try again" />
              </InlineStack>
            </BlockStack>
          </Banner>
        )}
        {backtest?.status === "done" && backtest.result && <Figures previewId={previewId} result={backtest.result} />}
      </BlockStack>
    </Card>
  );
}

function Progress({ backtest }: { backtest: BacktestPanelData }) {
  const percent = backtest.total > 0 ? Math.min(100, Math.round((backtest.processed / backtest.total) * 100)) : 0;
  return (
    <BlockStack gap="200">
      <ProgressBar progress={percent} ariaLabelledBy="backtest-progress" />
      <Text as="p" tone="subdued" id="backtest-progress">
        {backtest.total === 0 && backtest.processed === 0
          ? "Waiting for the background worker to start reading your orders. You can leave this page and come back."
          : `Read ${formatCount(backtest.processed)} of ${formatCount(backtest.total)} orders (${percent}%). You can leave this page and come back.`}
      </Text>
    </BlockStack>
  );
}

function Figures({ previewId, result }: { previewId: string; result: NonNullable<BacktestPanelData["result"]> }) {
  if (result.orders === 0) {
    return (
      <EmptyState heading="No orders in the last 30 days" image="">
        <BlockStack gap="200">
          <p>There is nothing to replay yet. Once your shop has orders, run the backtest again.</p>
          {/* The page tells the merchant to run it again: without the button they would have to make a new preview. */}
          <InlineStack align="center">
            <RunButton previewId={previewId} label="Run the backtest again" />
          </InlineStack>
        </BlockStack>
      </EmptyState>
    );
  }
  const [, inForce, candidate] = result.runs;
  const refresh = Object.entries(result.refreshSeconds).map(([channel, seconds]) => `${channel} every ${seconds} s`);
  const channels = Object.keys({ ...inForce?.byChannel, ...candidate?.byChannel }).sort();
  return (
    <BlockStack gap="400">
      <Text as="p" tone="subdued">
        {`${formatCount(result.orders)} orders from the last ${result.windowDays} days, replayed with a sync delay of ${result.syncLagSeconds} s${
          refresh.length > 0 ? ` and channels reading their numbers ${refresh.join(", ")}` : ""
        }.`}
      </Text>
      <Text as="p" tone="subdued">
        {`For comparison, Safestock's own records of these days (taken as each order arrived; orders from before Safestock was installed are not in them): ${formatCount(result.recorded.oversoldUnits)} unit${
          result.recorded.oversoldUnits === 1 ? "" : "s"
        } oversold in ${formatCount(result.recorded.oversoldOrders)} order${result.recorded.oversoldOrders === 1 ? "" : "s"}.`}
      </Text>
      <DataTable
        columnContentTypes={["text", ...result.runs.map(() => "numeric" as const)]}
        headings={["", ...result.runs.map((run) => run.label)]}
        rows={MEASURES.map((measure) => [measure.label, ...result.runs.map((run) => formatCount(run.total[measure.key]))])}
      />
      {inForce && candidate && (
        <>
          <Text as="h3" variant="headingSm">
            {`By channel: ${inForce.label} → ${candidate.label}`}
          </Text>
          <SideBySide names={channels} figuresOf={(name) => [inForce.byChannel[name], candidate.byChannel[name]]} heading="Channel" />
          {result.groups.length > 0 && (
            <>
              <Text as="h3" variant="headingSm">
                {`By product (most affected first): ${inForce.label} → ${candidate.label}`}
              </Text>
              <SideBySide names={result.groups.map((group) => group.group)} figuresOf={(name) => result.groups.find((group) => group.group === name)!.figures.slice(1)} heading="Product" />
            </>
          )}
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            {result.chart.slice(1).map((series) => (
              <BlockStack key={series.label} gap="100">
                <Text as="h3" variant="headingSm">{`Units oversold over time: ${series.label}`}</Text>
                <BarChart title={`Units oversold over time: ${series.label}`} unit="units" data={result.chartLabels.map((label, index) => ({ label, value: series.oversold[index] ?? 0 }))} />
              </BlockStack>
            ))}
          </InlineGrid>
        </>
      )}
      <Suggestions previewId={previewId} suggestions={result.suggestions} />
      <ReserveSuggestions previewId={previewId} suggestions={result.reserveSuggestions ?? []} />
      <InlineStack>
        <RunButton previewId={previewId} label="Run the backtest again" />
      </InlineStack>
    </BlockStack>
  );
}

function SideBySide({ names, figuresOf, heading }: { names: string[]; figuresOf: (name: string) => (BacktestFigures | undefined)[]; heading: string }) {
  const empty: BacktestFigures = { orders: 0, soldUnits: 0, filledUnits: 0, oversoldOrders: 0, oversoldUnits: 0, refusedOrders: 0, withheldUnits: 0, net: 0 };
  return (
    <DataTable
      columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
      headings={[heading, "Orders", "Units oversold", "Orders refused", "Units held back", "Net"]}
      rows={names.map((name) => {
        const [before = empty, after = empty] = figuresOf(name);
        return [
          name,
          formatCount(after.orders),
          change(before.oversoldUnits, after.oversoldUnits),
          change(before.refusedOrders, after.refusedOrders),
          change(before.withheldUnits, after.withheldUnits),
          change(before.net, after.net),
        ];
      })}
    />
  );
}

function Suggestions({ previewId, suggestions }: { previewId: string; suggestions: BufferSuggestion[] }) {
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Suggested buffers
      </Text>
      {suggestions.length === 0 ? (
        <Text as="p" tone="subdued">
          This policy would not have oversold any SKU in these orders: nothing to suggest.
        </Text>
      ) : (
        <>
          <Text as="p" tone="subdued">
            For each SKU this policy still oversold, the smallest number of units to keep back at each location that would have prevented every oversell in these orders. Applying
            one puts it in your rules draft; nothing is published until you preview and publish the draft.
          </Text>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
            headings={["SKU", "Keep back", "Oversold units it prevents", "Sales it would hold back", ""]}
            rows={suggestions.map((suggestion) => [
              suggestion.sku,
              `${formatCount(suggestion.units)} per location`,
              formatCount(suggestion.oversoldUnits),
              formatCount(Math.max(0, suggestion.withheldUnits - suggestion.withheldWithoutUnits)),
              <ApplyButton
                key={suggestion.sku}
                previewId={previewId}
                sku={suggestion.sku}
                units={suggestion.units}
                label={`Apply a buffer of ${suggestion.units} for ${suggestion.sku} as draft`}
              />,
            ])}
          />
        </>
      )}
    </BlockStack>
  );
}

/** One "Apply as draft" button of a suggestion: the route puts it in the rules draft (backtest.server.ts `applySuggestionAsDraft`). */
function ApplyButton({ previewId, sku, units, channel, label }: { previewId: string; sku: string; units: number; channel?: string; label: string }) {
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" && navigation.formData?.get("sku") === sku && (navigation.formData?.get("channel") ?? "") === (channel ?? "");
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="apply-suggestion" />
      <input type="hidden" name="id" value={previewId} />
      <input type="hidden" name="sku" value={sku} />
      <input type="hidden" name="units" value={units} />
      {channel && <input type="hidden" name="channel" value={channel} />}
      <Button submit accessibilityLabel={label} loading={submitting}>
        Apply as draft
      </Button>
    </Form>
  );
}

/** Marketplace reserves: oversells from a channel selling from its stale copy, prevented by units only it may sell. */
function ReserveSuggestions({ previewId, suggestions }: { previewId: string; suggestions: ReserveSuggestion[] }) {
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Suggested marketplace reserves
      </Text>
      {suggestions.length === 0 ? (
        <Text as="p" tone="subdued">
          No SKU was oversold by a marketplace selling from its last copy of your stock: nothing to suggest.
        </Text>
      ) : (
        <>
          <Text as="p" tone="subdued">
            For each SKU a marketplace oversold from its last copy of your stock, the smallest number of units to reserve for it (other channels cannot sell them) that would have
            prevented every oversell of that SKU in these orders. A reserve applies to every SKU the marketplace sells, so applying one reserves that many of each; preview the
            draft to see what it holds back. Nothing is published until you publish the draft.
          </Text>
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
            headings={["SKU", "Marketplace", "Reserve", "Oversold units it prevents", "Sales it would hold back", ""]}
            rows={suggestions.map((suggestion) => [
              suggestion.sku,
              suggestion.channel,
              formatCount(suggestion.units),
              formatCount(suggestion.oversoldUnits),
              formatCount(Math.max(0, suggestion.withheldUnits - suggestion.withheldWithoutUnits)),
              <ApplyButton
                key={`${suggestion.channel}|${suggestion.sku}`}
                previewId={previewId}
                sku={suggestion.sku}
                units={suggestion.units}
                channel={suggestion.channel}
                label={`Apply a reserve of ${suggestion.units} for ${suggestion.channel} (from ${suggestion.sku}) as draft`}
              />,
            ])}
          />
        </>
      )}
    </BlockStack>
  );
}
