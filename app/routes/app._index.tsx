import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  List,
  Page,
  Spinner,
  Text,
} from "@shopify/polaris";
import { loadDashboard, type OfflineTokenKind } from "~/services/dashboard.server";
import { DashboardCharts } from "~/components/dashboard-charts";
import { SetupChecklist } from "~/components/setup-checklist";
import { switchProtectionOn } from "~/services/setup.server";
import { ExposureChart } from "~/components/exposure-chart";
import { ShopifyFailingBanner } from "~/components/shopify-failing-banner";
import { useRefreshWhile } from "~/components/use-page-state";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await loadDashboard(session.shop));
};

/** The checklist's one click: switch the cart-validation rule on (app/services/setup.server.ts). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await switchProtectionOn(session.shop);
  return json(result.ok ? { refusal: null } : { refusal: `Shopify refused: ${result.userErrors.map((error) => error.message).join("; ")}` });
};

/**
 * Which kind of offline token Safestock holds for the store: Shopify rejects non-expiring ones from
 * 2027-01-01 (https://shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens).
 */
function tokenLine(token: OfflineTokenKind): string {
  if (token.kind === "expiring") {
    // Not the refresh token's expiry: each renewal brings a new one (SHOPIFY-FACTS.md "Access
    // tokens"), so a date here would only move forward and read as an end of access.
    return "Store access: expiring token, renewed automatically every hour.";
  }
  if (token.kind === "non-expiring") {
    return "Store access: non-expiring token. Shopify stops accepting these on 1 January 2027; Safestock replaces it with an expiring one on its next call to Shopify.";
  }
  return "Store access: no token stored.";
}

const SYNC_BADGE = {
  idle: { tone: "attention", label: "Waiting to start" },
  running: { tone: "info", label: "Syncing" },
  done: { tone: "success", label: "Synced" },
  failed: { tone: "critical", label: "Failed" },
} as const;

export default function Overview() {
  const overview = useLoaderData<typeof loader>();
  const switched = useActionData<typeof action>();
  const navigation = useNavigation();
  const syncing = overview.installation.initialSync === "running" || overview.installation.initialSync === "idle";

  // Poll while the initial sync runs, so the merchant sees it progress without reloading.
  const reconciling = overview.lastReconciliation?.status === "running";
  useRefreshWhile(syncing || reconciling);

  const badge = SYNC_BADGE[overview.installation.initialSync];
  return (
    <Page title="Overview">
      <TitleBar title="Safestock" />
      <BlockStack gap="400">
        <ShopifyFailingBanner failing={overview.shopifyFailing} />
        {overview.access?.state === "lost" && (
          <Banner tone="critical" title="Safestock lost access to your store">
            <p>
              Since {overview.access.since}, Shopify refuses Safestock&apos;s access token, so nothing is written.{" "}
              {jobs(overview.access.waitingJobs)} waiting, none is lost: reload this page (or open Safestock from your
              Shopify admin) to restore access, and they run again.
            </p>
          </Banner>
        )}
        {overview.access?.state === "restored" && (
          <Banner tone="success" title="Access to your store was restored">
            <p>
              At {overview.access.at} Safestock received a fresh access token; {jobs(overview.access.jobsResumed)} waiting
              resumed.
            </p>
          </Banner>
        )}
        {overview.frozen && (
          <Banner tone="warning" title="Some channels are frozen while webhooks recover">
            <p>
              Since {overview.frozen.since}: {overview.frozen.reason}. Low-stock items are held at 0 on lower-tier channels until
              Shopify&apos;s updates arrive on time again. <Link url="/app/sync">See webhook health</Link>
            </p>
          </Banner>
        )}
        {overview.installation.initialSync === "failed" && (
          <Banner tone="critical" title="The first import from Shopify failed">
            <p>
              {overview.installation.initialSyncNote ?? "No details were recorded."} Safestock retries automatically; you can
              also run a reconciliation from the <Link url="/app/sync">Sync page</Link>.
            </p>
          </Banner>
        )}
        <SetupChecklist items={overview.setup} switching={navigation.state !== "idle" && navigation.formMethod === "POST"} refusal={switched?.refusal ?? null} />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="200">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      Catalog sync
                    </Text>
                    <Badge tone={badge.tone}>{badge.label}</Badge>
                  </InlineStack>
                  {syncing ? (
                    <InlineStack gap="200" blockAlign="center">
                      <Spinner size="small" accessibilityLabel="Import in progress" />
                      <Text as="p" tone="subdued">
                        {overview.installation.initialSyncNote ?? "Reading your locations, sales channels and products from Shopify…"}
                      </Text>
                    </InlineStack>
                  ) : (
                    <Text as="p" tone="subdued">
                      {overview.installation.initialSyncNote ?? "—"}
                      {overview.installation.lastSyncAt ? ` · last update ${overview.installation.lastSyncAt}` : ""}
                    </Text>
                  )}
                  <Text as="p" tone="subdued">
                    {tokenLine(overview.token)}
                  </Text>
                </BlockStack>
              </Card>

              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    What Safestock withholds now
                  </Text>
                  <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
                    <Metric label="Units withheld from sale" value={overview.totals.unitsWithheld} />
                    <Metric
                      label="Levels protected"
                      value={overview.totals.protectedLevels}
                      detail={`of ${overview.totals.levels} variant × location levels`}
                    />
                    <Metric label="Channel listings paused" value={overview.totals.pausedChannels} detail={`${overview.totals.trackedItems} variants tracked`} />
                  </InlineGrid>
                  <Text as="p">
                    <Link url="/app/inventory">See every item with its reasons</Link>
                  </Text>
                </BlockStack>
              </Card>

              <ExposureChart exposure={overview.charts.exposure} />

              <DashboardCharts charts={overview.charts} />

              <Card>
                {overview.policy ? (
                  <BlockStack gap="200">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        Policy v{overview.policy.version} in force
                      </Text>
                      <InlineStack gap="300">
                        <Link url="/app/rules">Edit rules</Link>
                        <Link url="/app/policy">Versions</Link>
                      </InlineStack>
                    </InlineStack>
                    <Text as="p" tone="subdued">
                      {overview.policy.protectionRules} protection rule{overview.policy.protectionRules === 1 ? "" : "s"} and{" "}
                      {overview.policy.channelRules} channel rule{overview.policy.channelRules === 1 ? "" : "s"}, published{" "}
                      {overview.policy.createdAt} by {overview.policy.createdBy}.
                    </Text>
                  </BlockStack>
                ) : (
                  <EmptyState
                    heading="Set up your first policy"
                    action={{ content: "Set up rules", url: "/app/rules" }}
                    secondaryAction={{ content: "Import a policy", url: "/app/policy" }}
                    image=""
                  >
                    <p>
                      Until you publish a policy, Safestock only watches: every unit stays on sale. A policy says how much safety
                      stock to keep at each location and how much each sales channel may sell.
                    </p>
                  </EmptyState>
                )}
              </Card>
            </BlockStack>
          </Layout.Section>

          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Last reconciliation
                  </Text>
                  {overview.lastReconciliation ? (
                    <>
                      <InlineStack gap="200" blockAlign="center">
                        <Badge tone={overview.lastReconciliation.status === "failed" ? "critical" : overview.lastReconciliation.status === "running" ? "info" : "success"}>
                          {overview.lastReconciliation.status}
                        </Badge>
                        <Text as="span" tone="subdued">
                          {overview.lastReconciliation.trigger} · {overview.lastReconciliation.startedAt}
                        </Text>
                      </InlineStack>
                      {reconciling ? (
                        <InlineStack gap="200" blockAlign="center">
                          <Spinner size="small" accessibilityLabel="Reconciliation in progress" />
                          <Text as="p" tone="subdued">
                            Re-reading every level from Shopify…
                          </Text>
                        </InlineStack>
                      ) : (
                        <Text as="p">
                          {overview.lastReconciliation.levelsChecked.toLocaleString("en-US")} levels checked,{" "}
                          {overview.lastReconciliation.firstPublished > 0 && `${overview.lastReconciliation.firstPublished.toLocaleString("en-US")} variants' channel numbers published for the first time, `}
                          {overview.lastReconciliation.drifted.toLocaleString("en-US")} drifted, {overview.lastReconciliation.fixed.toLocaleString("en-US")} fixed,{" "}
                          {overview.lastReconciliation.failed.toLocaleString("en-US")} failed.
                        </Text>
                      )}
                      {overview.lastReconciliation.error && (
                        <Text as="p" tone="critical">
                          {overview.lastReconciliation.error}
                        </Text>
                      )}
                    </>
                  ) : (
                    <Text as="p" tone="subdued">
                      No reconciliation has run yet.
                    </Text>
                  )}
                  <Link url="/app/sync">Sync and queue health</Link>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Webhooks and queue
                  </Text>
                  <Text as="p">
                    {overview.frozen ? "Webhooks are late: channels frozen." : "Webhooks arriving normally."}{" "}
                    {jobs(overview.queue.pending + overview.queue.running)} waiting or running
                    {overview.queue.dead > 0 ? `, ${overview.queue.dead.toLocaleString("en-US")} failed` : ""}.
                  </Text>
                  <List>
                    <List.Item>
                      <Link url="/app/activity">Activity log</Link>
                    </List.Item>
                    <List.Item>
                      <Link url="/app/webhooks">Webhook deliveries</Link>
                    </List.Item>
                  </List>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

const jobs = (count: number) => `${count.toLocaleString("en-US")} ${count === 1 ? "job" : "jobs"}`;

function Metric({ label, value, detail }: { label: string; value: number; detail?: string }) {
  return (
    <Box>
      <Text as="p" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingXl">
        {value.toLocaleString("en-US")}
      </Text>
      {detail && (
        <Text as="p" variant="bodySm" tone="subdued">
          {detail}
        </Text>
      )}
    </Box>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
