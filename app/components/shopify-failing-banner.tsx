import { Banner, List, Text } from "@shopify/polaris";

/** The view's shape (app/services/shopify-health.server.ts), as the loader's JSON gives it. */
interface ShopifyFailing {
  windowMinutes: number;
  total: number;
  kinds: { kind: string; label: string; count: number; lastStatus: number; lastAt: string | null }[];
}

/**
 * "Shopify is failing": Admin API attempts that failed in the recent window, by kind, so a merchant
 * sees why jobs stay queued instead of only "running 4" (issue 22). Jobs retry on their own.
 */
export function ShopifyFailingBanner({ failing }: { failing: ShopifyFailing | null }) {
  if (!failing) return null;
  return (
    <Banner tone="critical" title="Shopify is failing">
      <Text as="p">
        {failing.total} Admin API {failing.total === 1 ? "request" : "requests"} failed in the last {failing.windowMinutes} minutes. Safestock retries
        on its own; changes reach Shopify once it answers again.
      </Text>
      <List>
        {failing.kinds.map((kind) => (
          <List.Item key={kind.kind}>
            {kind.label}: {kind.count}
            {kind.lastAt ? ` (last ${kind.lastAt}${kind.lastStatus ? `, HTTP ${kind.lastStatus}` : ""})` : ""}
          </List.Item>
        ))}
      </List>
    </Banner>
  );
}
