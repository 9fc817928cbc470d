import { Banner, List, Text } from "@shopify/polaris";

/** The view's shape (app/services/shopify-health.server.ts), as the loader's JSON gives it. */
interface ShopifyFailing {
  windowMinutes: number;
  total: number;
  firstAt: string | null;
  lastAt: string | null;
  recoveredAt: string | null;
  kinds: { kind: string; label: string; count: number; lastStatus: number; lastAt: string | null }[];
}

/**
 * "Shopify is failing": Admin API attempts that failed in the recent window, by kind, so a merchant
 * sees why jobs stay queued instead of only "running 4" (issue 22). Jobs retry on their own. Once
 * Shopify answers again the banner says so at once (amber, not red) and keeps the recent failures
 * in view until they leave the window.
 */
export function ShopifyFailingBanner({ failing }: { failing: ShopifyFailing | null }) {
  if (!failing) return null;
  const requests = `${failing.total} Admin API ${failing.total === 1 ? "request" : "requests"}`;
  return failing.recoveredAt ? (
    <Banner tone="warning" title={`Shopify recovered at ${failing.recoveredAt}`}>
      <Text as="p">
        {requests} failed between {failing.firstAt} and {failing.lastAt}; Shopify answers again and Safestock retries what failed on its own.
      </Text>
      <FailureKinds failing={failing} />
    </Banner>
  ) : (
    <Banner tone="critical" title="Shopify is failing">
      <Text as="p">
        {requests} failed in the last {failing.windowMinutes} minutes. Safestock retries on its own; changes reach Shopify once it answers again.
      </Text>
      <FailureKinds failing={failing} />
    </Banner>
  );
}

function FailureKinds({ failing }: { failing: ShopifyFailing }) {
  return (
    <List>
      {failing.kinds.map((kind) => (
        <List.Item key={kind.kind}>
          {kind.label}: {kind.count}
          {kind.lastAt ? ` (last ${kind.lastAt}${kind.lastStatus ? `, HTTP ${kind.lastStatus}` : ""})` : ""}
        </List.Item>
      ))}
    </List>
  );
}
