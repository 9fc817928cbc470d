import { useState } from "react";
import { BlockStack, Button, ButtonGroup, Card, InlineStack, Text } from "@shopify/polaris";

export interface ExposureBucketData {
  label: string;
  oversells: number;
  nearMisses: number;
  oversoldUnits: number;
}

export interface ExposureChartData {
  byDay: ExposureBucketData[];
  byHour: ExposureBucketData[];
  totals: { oversells: number; nearMisses: number; oversoldUnits: number };
}

const WIDTH = 560;
const HEIGHT = 170;
const PAD = 24;
const OVERSOLD = "#d72c0d";
const NEAR_MISS = "#e0a100";

const plural = (count: number, one: string, many: string) => `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;

/** Stacked bars: oversold orders (red, bottom) and near-misses (amber, on top) per day or hour. */
function StackedBars({ title, data }: { title: string; data: ExposureBucketData[] }) {
  const max = Math.max(1, ...data.map((point) => point.oversells + point.nearMisses));
  const step = (WIDTH - PAD * 2) / Math.max(1, data.length);
  const flagged = data.filter((point) => point.oversells + point.nearMisses > 0);
  const summary = flagged.length
    ? flagged.map((point) => `${point.label}: ${plural(point.oversells, "oversell", "oversells")}, ${plural(point.nearMisses, "near-miss", "near-misses")}`).join("; ")
    : "none";
  const every = data.length > 14 ? 3 : 1;
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`${title}. ${summary}`}>
      <title>{title}</title>
      <line x1={PAD} y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD} stroke="#c9cccf" />
      {data.map((point, i) => {
        const scale = (HEIGHT - PAD * 2) / max;
        const over = point.oversells * scale;
        const near = point.nearMisses * scale;
        const x = PAD + i * step + step * 0.15;
        const total = point.oversells + point.nearMisses;
        return (
          <g key={point.label}>
            <rect x={x} y={HEIGHT - PAD - over} width={step * 0.7} height={over} fill={OVERSOLD} />
            <rect x={x} y={HEIGHT - PAD - over - near} width={step * 0.7} height={near} fill={NEAR_MISS} />
            {i % every === 0 && (
              <text x={PAD + i * step + step / 2} y={HEIGHT - 6} fontSize="11" textAnchor="middle" fill="#616161">
                {point.label}
              </text>
            )}
            {total > 0 && (
              <text x={PAD + i * step + step / 2} y={HEIGHT - PAD - over - near - 4} fontSize="11" textAnchor="middle" fill="#303030">
                {total}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function Legend() {
  return (
    <InlineStack gap="400">
      {[
        [OVERSOLD, "Oversells"],
        [NEAR_MISS, "Near-misses"],
      ].map(([colour, label]) => (
        <InlineStack key={label} gap="100" blockAlign="center">
          <svg width="12" height="12" aria-hidden="true">
            <rect width="12" height="12" fill={colour} />
          </svg>
          <Text as="span" variant="bodySm">
            {label}
          </Text>
        </InlineStack>
      ))}
    </InlineStack>
  );
}

/** The Overview's oversells and near-misses over time, with its definition and an empty state. */
export function ExposureChart({ exposure }: { exposure: ExposureChartData }) {
  const [scale, setScale] = useState<"day" | "hour">("day");
  const data = scale === "day" ? exposure.byDay : exposure.byHour;
  const empty = data.every((point) => point.oversells + point.nearMisses === 0);
  const { totals } = exposure;
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd">
            Oversells and near-misses
          </Text>
          <ButtonGroup variant="segmented">
            <Button pressed={scale === "day"} onClick={() => setScale("day")} accessibilityLabel="Per day, last 14 days">
              Per day
            </Button>
            <Button pressed={scale === "hour"} onClick={() => setScale("hour")} accessibilityLabel="Per hour, last 24 hours">
              Per hour
            </Button>
          </ButtonGroup>
        </InlineStack>
        {empty ? (
          <Text as="p" tone="subdued">
            {scale === "day" ? "No oversold or near-miss orders in the last 14 days." : "No oversold or near-miss orders in the last 24 hours."}{" "}
            Safestock checks every order as it arrives.
          </Text>
        ) : (
          <>
            <Text as="p">
              Last 14 days: {plural(totals.oversells, "oversold order", "oversold orders")} ({plural(totals.oversoldUnits, "unit", "units")} short),{" "}
              {plural(totals.nearMisses, "near-miss", "near-misses")}.
            </Text>
            <StackedBars title={scale === "day" ? "Oversells and near-misses per day, last 14 days" : "Oversells and near-misses per hour, last 24 hours"} data={data} />
            <Legend />
          </>
        )}
        <Text as="p" variant="bodySm" tone="subdued">
          An oversell is an order with a line the stock where it is filled could not cover, even counting the units Safestock
          protects: units sold that are not there. A near-miss is an order that was covered but arrived when Safestock&apos;s
          published number for that product on the order&apos;s channel was at or below the units it protects there: the
          channel was down to its safety margin.
        </Text>
      </BlockStack>
    </Card>
  );
}
