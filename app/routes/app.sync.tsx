import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  Pagination,
  Spinner,
  Text,
} from "@shopify/polaris";
import { useEffect } from "react";
import { loadSyncPage, requestReconcile, retryDeadJob } from "~/services/sync-view.server";
import { formatCount } from "~/components/format";
import { ShopifyFailingBanner } from "~/components/shopify-failing-banner";
import { useRefreshWhile, useSearchParamNavigation } from "~/components/use-page-state";
import { authenticate } from "~/shopify.server";


export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const deadCursor = new URL(request.url).searchParams.get("dead") || null;
  return json(await loadSyncPage(session.shop, { deadCursor }));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "reconcile") return json(await requestReconcile(session.shop));
  if (intent === "retry") return json(await retryDeadJob(session.shop, String(form.get("jobId") ?? "")));
  return json({ ok: false as const, message: "Unknown action" }, { status: 400 });
};

const STATUS_TONE = { running: "info", done: "success", failed: "critical" } as const;

export default function Sync() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const setSearch = useSearchParamNavigation();
  const pendingIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;

  useRefreshWhile(data.busy);

  useEffect(() => {
    if (result?.ok) shopify.toast.show(result.message);
  }, [result, shopify]);

  const runningReport = data.reports.find((report) => report.status === "running");
  return (
    <Page title="Sync" subtitle="Reconciliation, background jobs and webhook health" backAction={{ content: "Diagnostics", url: "/app/diagnostics" }}>
      <TitleBar title="Sync" />
      <BlockStack gap="400">
        <ShopifyFailingBanner failing={data.shopifyFailing} />
        {data.clockSkew && (
          <Banner tone="warning" title="This server's clock is off">
            <p>Measured against Shopify's clock, {data.clockSkew}. Webhook lag is corrected for it; fix the server's time (NTP).</p>
          </Banner>
        )}
        {data.frozen && (
          <Banner tone="warning" title="Some channels are frozen while webhooks recover">
            <p>
              Since {data.frozen.since}: {data.frozen.reason}.
            </p>
          </Banner>
        )}
        {result && !result.ok && (
          <Banner tone="critical" title="That did not work">
            <p>{result.message}</p>
          </Banner>
        )}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      Reconciliation
                    </Text>
                    <Form method="post">
                      <input type="hidden" name="intent" value="reconcile" />
                      <Button submit variant="primary" loading={pendingIntent === "reconcile"} disabled={data.busy}>
                        Reconcile now
                      </Button>
                    </Form>
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    Re-reads every inventory level from Shopify, fixes anything that drifted from your policy and reports it. It
                    also runs on a schedule{data.lastReconcileAt ? `; last finished ${data.lastReconcileAt}` : ""}.
                  </Text>
                  {data.lastRun && <Text as="p">{data.lastRun}</Text>}
                  {data.busy && (
                    <InlineStack gap="200" blockAlign="center">
                      <Spinner size="small" accessibilityLabel="Reconciliation in progress" />
                      <Text as="p">
                        {runningReport
                          ? `Reconciling (${runningReport.trigger}), started ${runningReport.startedAt}: ${runningReport.progress}…`
                          : "Reconciliation queued; it starts in a moment…"}
                      </Text>
                    </InlineStack>
                  )}
                  {data.reports.length === 0 ? (
                    <Text as="p" tone="subdued">
                      No reconciliation has run yet.
                    </Text>
                  ) : (
                    <DataTable
                      columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "numeric", "text"]}
                      headings={["Started", "Trigger", "Status", "Levels checked", "Drifted", "Fixed", "Failed", "Details"]}
                      rows={data.reports.map((report) => [
                        report.startedAt,
                        report.trigger,
                        <Badge key={report.id} tone={STATUS_TONE[report.status as keyof typeof STATUS_TONE]}>
                          {report.status}
                        </Badge>,
                        report.levelsChecked,
                        report.drifted,
                        report.fixed,
                        report.failed,
                        // First publications are not drift; a ninth column would not fit 1280 px, so they read in Details.
                        report.error ??
                          ([report.duration, report.firstPublished > 0 ? `${formatCount(report.firstPublished)} published for the first time` : null, ...report.causes].filter(Boolean).join(" · ") || "—"),
                      ])}
                    />
                  )}
                </BlockStack>
              </Card>

              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Failed jobs
                  </Text>
                  {data.deadJobs.length === 0 && !data.deadCursor ? (
                    <Text as="p" tone="subdued">
                      No failed jobs. Jobs that fail after every retry are kept here with their error, so you can run them again.
                    </Text>
                  ) : (
                    <>
                      <DataTable
                        columnContentTypes={["text", "text", "numeric", "text", "text"]}
                        headings={["Job", "Failed", "Attempts", "What happened", ""]}
                        rows={data.deadJobs.map((job) => [
                          job.work,
                          job.finishedAt ?? "—",
                          job.attempts,
                          <BlockStack gap="100" key={`problem-${job.id}`}>
                            <Text as="p">{job.problem}</Text>
                            <Text as="p" variant="bodySm" tone="subdued">
                              Details for support: {job.error}
                            </Text>
                          </BlockStack>,
                          <Form method="post" key={job.id}>
                            <input type="hidden" name="intent" value="retry" />
                            <input type="hidden" name="jobId" value={job.id} />
                            <Button submit accessibilityLabel={`Retry ${job.queue} job ${job.key ?? job.id}`}>
                              Retry
                            </Button>
                          </Form>,
                        ])}
                      />
                      {(data.nextDeadCursor || data.deadCursor) && (
                        <Pagination
                          hasPrevious={Boolean(data.deadCursor)}
                          onPrevious={() => setSearch({ dead: null })}
                          hasNext={Boolean(data.nextDeadCursor)}
                          onNext={() => setSearch({ dead: data.nextDeadCursor })}
                          accessibilityLabels={{ previous: "First failed jobs", next: "More failed jobs" }}
                        />
                      )}
                    </>
                  )}
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>

          <Layout.Section>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Job queue
                  </Text>
                  {data.queue.total === 0 ? (
                    <Text as="p" tone="subdued">
                      No jobs yet.
                    </Text>
                  ) : (
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                      headings={["Queue", "Queued", "Running", "Waiting", "Done", "Failed"]}
                      rows={data.queue.byQueue.map((queue) => [queue.name, queue.pending, queue.running, queue.waiting, queue.done, queue.dead])}
                    />
                  )}
                  {data.queue.total > 0 ? (
                    <Text as="p" variant="bodySm" tone="subdued">
                      Waiting: jobs held until the shop is ready again (its first import, or a fresh access token after Shopify refused the old one).
                    </Text>
                  ) : null}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Webhook health (last 24 h)
                  </Text>
                  {data.webhooks.length === 0 ? (
                    <Text as="p" tone="subdued">
                      No webhooks received in the last 24 hours.
                    </Text>
                  ) : (
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                      headings={["Topic", "Received", "Median lag", "90th pct"]}
                      rows={data.webhooks.map((topic) => [topic.topic, topic.deliveries, topic.median, topic.p90])}
                    />
                  )}
                  <Text as="p" variant="bodySm" tone="subdued">
                    Lag is the time from the change in Shopify to its arrival here.
                  </Text>
                  <Link url="/app/webhooks">All webhook deliveries</Link>
                </BlockStack>
              </Card>
            </InlineGrid>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
