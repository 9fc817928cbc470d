import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  List,
  Page,
  ProgressBar,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { merchantText } from "~/components/policy-form";
import { Reasons } from "~/components/reasons";
import { useRefreshWhile } from "~/components/use-page-state";
import { formatCount } from "~/components/format";
import { merchantOf } from "~/services/merchant.server";
import { applySuggestionAsDraft, loadBacktest, startBacktest } from "~/services/backtest.server";
import { loadPreview, publishPreview, startPreview } from "~/services/policy-preview.server";
import { BacktestCard } from "~/components/backtest-card";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const id = params.get("id") ?? "";
  // Opened without an id (a bookmark, a typed address): no preview is open, nothing is missing.
  if (!id) return json(null);
  const [preview, backtest] = await Promise.all([loadPreview(session.shop, id, { sku: params.get("sku")?.trim() || null }), loadBacktest(session.shop, id)]);
  return json(preview ? { ...preview, backtest } : null, { status: preview ? 200 : 404 });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const who = merchantOf(session);
  if (form.get("intent") === "rollback") {
    // "Roll back to vN" on the Policy page: the same preview first, then publish from here.
    const started = await startPreview(session.shop, { source: "rollback", version: Number(form.get("version")) }, { createdBy: who });
    if (!started.ok) return json({ ok: false as const, problems: started.problems }, { status: 422 });
    return redirect(`/app/preview?id=${started.id}`);
  }
  if (form.get("intent") === "backtest") {
    const started = await startBacktest(session.shop, String(form.get("id") ?? ""));
    return json(started.ok ? { ok: true as const, backtest: "started" as const, problems: [] } : { ok: false as const, problems: [{ path: "backtest", message: started.problem }] }, {
      status: started.ok ? 200 : 422,
    });
  }
  if (form.get("intent") === "apply-suggestion") {
    const channel = String(form.get("channel") ?? "") || undefined;
    const applied = await applySuggestionAsDraft(session.shop, String(form.get("sku") ?? ""), Number(form.get("units")), { updatedBy: who, channel });
    return json(applied.ok ? { ok: true as const, applied: { sku: applied.sku, units: applied.units, channel: applied.channel ?? null }, problems: [] } : { ok: false as const, problems: [{ path: "suggestion", message: applied.problem }] }, {
      status: applied.ok ? 200 : 422,
    });
  }
  const note = String(form.get("note") ?? "").trim() || null;
  const result = await publishPreview(session.shop, String(form.get("id") ?? ""), { createdBy: who, note });
  return json(result.ok ? { ok: true as const, version: result.version, problems: [] } : { ok: false as const, problems: [...result.problems] }, { status: result.ok ? 200 : 422 });
};

export default function PreviewPage() {
  const preview = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  if (!preview && !(result && !result.ok) && !params.get("id")) {
    return (
      <Page title="Preview" backAction={{ content: "Rules", url: "/app/rules" }}>
        <TitleBar title="Preview" />
        <Card>
          <EmptyState heading="No preview is open" action={{ content: "Go to Rules", url: "/app/rules" }} secondaryAction={{ content: "Policy versions", url: "/app/policy" }} image="">
            <p>A preview shows what your draft rules, or a rollback to an earlier version, would change before anything is published. Start one with Preview changes on Rules, or Roll back to this version on Policy.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  if (!preview) {
    // A refused rollback lands here without a preview: say why, and where to go back.
    return (
      <Page title="Preview" backAction={{ content: "Policy", url: "/app/policy" }}>
        <TitleBar title="Preview" />
        <Card>
          <EmptyState heading={result && !result.ok ? "This version cannot be previewed" : "This preview no longer exists"} action={{ content: "Back to Policy versions", url: "/app/policy" }} image="">
            {result && !result.ok ? (
              <List>
                {result.problems.map((problem, index) => (
                  <List.Item key={index}>{`${problem.path}: ${merchantText(problem.message)}`}</List.Item>
                ))}
              </List>
            ) : (
              <p>Previews are kept for the last 20 changes. Start a new one from Rules or Policy versions.</p>
            )}
          </EmptyState>
        </Card>
      </Page>
    );
  }
  return <PreviewBody preview={preview} result={result} />;
}

type PreviewData = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>>;
type ActionData = ReturnType<typeof useActionData<typeof action>>;

function PreviewBody({ preview, result }: { preview: PreviewData; result: ActionData }) {
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const [note, setNote] = useState("");
  const [sku, setSku] = useState(preview.drillDown?.sku ?? "");
  useRefreshWhile(preview.status === "running" || preview.backtest?.status === "running");
  const published = result?.ok && "version" in result ? result.version : null;
  const applied = result?.ok && "applied" in result ? result.applied : null;
  useEffect(() => {
    if (published) shopify.toast.show(`Policy v${published} published`);
  }, [published, shopify]);

  const title = preview.source === "rollback" ? `Preview: roll back to version ${preview.version}` : "Preview: your draft";
  const summary = preview.summary;
  const percent = preview.total > 0 ? Math.round((preview.processed / preview.total) * 100) : 100;
  const publishing = navigation.state === "submitting";

  return (
    <Page title={title} backAction={{ content: preview.source === "rollback" ? "Policy" : "Rules", url: preview.source === "rollback" ? "/app/policy" : "/app/rules" }}>
      <TitleBar title="Preview" />
      <BlockStack gap="400">
        {published && (
          <Banner tone="success" title={`Version ${published} published`}>
            <p>Safestock is applying it to Shopify now. Inventory and Activity show the new numbers as they land.</p>
            <InlineStack gap="200">
              <Button url="/app/inventory">Open Inventory</Button>
              <Button url="/app/activity">Open Activity</Button>
            </InlineStack>
          </Banner>
        )}
        {applied && (
          <Banner
            tone="success"
            title={
              applied.channel
                ? `A reserve of ${formatCount(applied.units)} for ${applied.channel} is in your draft`
                : `A buffer of ${formatCount(applied.units)} for ${applied.sku} is in your draft`
            }
          >
            {applied.channel && <p>The reserve applies to every SKU {applied.channel} sells, not only {applied.sku}: the preview of the draft shows what it holds back.</p>}
            <p>Nothing was published. Open Rules to review the draft, then preview it again before you publish.</p>
            <InlineStack gap="200">
              <Button url="/app/rules">Open Rules</Button>
            </InlineStack>
          </Banner>
        )}
        {result && !result.ok && (
          <Banner tone="critical" title={result.problems.some((problem) => problem.path === "suggestion" || problem.path === "backtest") ? "That did not work" : "Nothing was published"}>
            <List>
              {result.problems.map((problem, index) => (
                <List.Item key={index}>{merchantText(problem.message)}</List.Item>
              ))}
            </List>
          </Banner>
        )}
        {preview.outdated && !published && (
          <Banner tone="warning" title="The policy in force changed after this preview">
            <p>Preview again to see the numbers against the version in force now.</p>
          </Banner>
        )}
        {preview.status === "running" && (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Computing the preview over your catalog…
              </Text>
              <ProgressBar progress={percent} ariaLabelledBy="preview-progress" />
              <Text as="p" tone="subdued" id="preview-progress">
                {preview.processed === 0
                  ? `Waiting for the background worker to start on ${formatCount(preview.total)} items. Nothing is written to Shopify; you can leave this page and come back.`
                  : `${formatCount(preview.processed)} of ${formatCount(preview.total)} items (${percent}%). Nothing is written to Shopify; you can leave this page and come back.`}
              </Text>
            </BlockStack>
          </Card>
        )}
        {preview.status === "failed" && (
          <Banner tone="critical" title="The preview could not be computed">
            <p>{preview.error}</p>
          </Banner>
        )}
        {summary && (
          <>
            <InlineGrid columns={{ xs: 1, md: 4 }} gap="400">
              <Figure label="Levels changed" value={`${formatCount(summary.levelsChanged)} of ${formatCount(summary.levels)}`} />
              <Figure label="Units into protection" value={formatCount(summary.unitsIntoProtection)} />
              <Figure label="Units back on sale" value={formatCount(summary.unitsOutOfProtection)} />
              <Figure label="Channel numbers changed" value={formatCount(summary.channelNumbersChanged)} />
            </InlineGrid>
            <BacktestCard previewId={preview.id} backtest={preview.backtest} />
            {(Object.keys(summary.pausing).length > 0 || Object.keys(summary.resuming).length > 0) && (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Channels that would pause or resume
                  </Text>
                  <List>
                    {Object.entries(summary.pausing).map(([channel, count]) => (
                      <List.Item key={`p-${channel}`}>{`${preview.channelNames[channel] ?? channel}: ${formatCount(count)} SKU${count === 1 ? "" : "s"} would pause`}</List.Item>
                    ))}
                    {Object.entries(summary.resuming).map(([channel, count]) => (
                      <List.Item key={`r-${channel}`}>{`${preview.channelNames[channel] ?? channel}: ${formatCount(count)} SKU${count === 1 ? "" : "s"} would resume`}</List.Item>
                    ))}
                  </List>
                </BlockStack>
              </Card>
            )}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Biggest changes
                </Text>
                {summary.biggest.length === 0 ? (
                  <EmptyState heading="Nothing would change" image="">
                    <p>With today&apos;s stock, this policy gives every SKU the same numbers as the one in force.</p>
                  </EmptyState>
                ) : (
                  <ChangesTable changes={summary.biggest} channelNames={preview.channelNames} />
                )}
              </BlockStack>
            </Card>
            <Card>
              <Form method="get">
                <input type="hidden" name="id" value={preview.id} />
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Look at one SKU
                  </Text>
                  <InlineStack gap="200" blockAlign="end">
                    <TextField label="SKU" name="sku" value={sku} onChange={setSku} autoComplete="off" placeholder="e.g. RING-7" />
                    <Button submit>Show</Button>
                  </InlineStack>
                  {preview.drillDown &&
                    (preview.drillDown.found ? (
                      <ChangesTable changes={preview.drillDown.changes} channelNames={preview.channelNames} />
                    ) : (
                      <Text as="p" tone="subdued">{`No SKU “${preview.drillDown.sku}” in the synced catalog.`}</Text>
                    ))}
                </BlockStack>
              </Form>
            </Card>
            {!published && (
              <Card>
                <Form method="post">
                  <input type="hidden" name="id" value={preview.id} />
                  <BlockStack gap="200">
                    <TextField label="Note (optional)" name="note" value={note} onChange={setNote} autoComplete="off" helpText="Kept with the version and in the activity log." />
                    <InlineStack gap="200">
                      <Button submit variant="primary" loading={publishing} disabled={preview.status !== "done" || preview.outdated}>
                        {preview.source === "rollback" ? `Roll back to version ${preview.version}` : "Publish"}
                      </Button>
                      <Button url={preview.source === "rollback" ? "/app/policy" : "/app/rules"}>Back without publishing</Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              </Card>
            )}
          </>
        )}
      </BlockStack>
    </Page>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="p" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
      </BlockStack>
    </Card>
  );
}

type Change = NonNullable<PreviewData["summary"]>["biggest"][number];

function ChangesTable({ changes, channelNames }: { changes: Change[]; channelNames: Record<string, string> }) {
  return (
    <DataTable
      columnContentTypes={["text", "text", "numeric", "numeric", "text"]}
      headings={["SKU", "Where", "Now", "After", "Why, after the change"]}
      rows={changes.map((change, index) => [
        // Twins share a SKU and some variants have none: the variant says which one.
        <BlockStack key={`s${index}`} gap="050">
          <Text as="span">{change.sku || "No SKU"}</Text>
          <Text as="span" tone="subdued" variant="bodySm">
            {change.variant}
          </Text>
        </BlockStack>,
        change.kind === "protected" ? `${change.where} (protected)` : `${channelNames[change.where] ?? change.where} (can sell)`,
        <Amount key={`b${index}`} units={change.before} paused={change.pausedBefore} />,
        <Amount key={`a${index}`} units={change.after} paused={change.pausedAfter} />,
        <Reasons key={`r${index}`} lines={change.reasonsAfter} empty={change.kind === "protected" ? "Nothing withheld" : "Shares the whole pool"} />,
      ])}
    />
  );
}

function Amount({ units, paused }: { units: number; paused?: boolean }) {
  return paused ? (
    <InlineStack gap="100" align="end">
      <Badge tone="warning">Paused</Badge>
      <span>{formatCount(units)}</span>
    </InlineStack>
  ) : (
    <span>{formatCount(units)}</span>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
