import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { ContextualSaveBar } from "~/components/contextual-save-bar";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { merchantText } from "~/components/policy-form";
import { loadChannelsPage, setChannelPaused, setChannelRefresh } from "~/services/channels-admin.server";
import { merchantOf } from "~/services/merchant.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await loadChannelsPage(session.shop));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const paused = intent === "pause";
  const channel = String(form.get("channel") ?? "");
  const result =
    intent === "refresh"
      ? await setChannelRefresh(
          session.shop,
          {
            channel,
            refreshSeconds: String(form.get("refreshSeconds") ?? ""),
            // Absent (an older form) leaves the fence as it is; empty removes it.
            ...(form.has("ringFenceUnits") ? { ringFenceUnits: String(form.get("ringFenceUnits")) } : {}),
          },
          { createdBy: merchantOf(session) },
        )
      : await setChannelPaused(session.shop, { channel, paused, reason: String(form.get("reason") ?? "") }, { createdBy: merchantOf(session) });
  return json({ ...result, channel, paused, intent }, { status: result.ok ? 200 : 422 });
};

const dash = (value: number | null) => (value === null ? "—" : String(value));
const every = (seconds: number | null) => (seconds === null ? "—" : `every ${seconds} s`);
/** The refresh-window button's text: "every 15 s · 10 fenced". */
const listingText = (seconds: number | null, fence: number | null, sized: boolean) =>
  fence ? `${seconds === null ? "live" : every(seconds)} · ${sized ? `up to ${fence} fenced, sized from its sales` : `${fence} fenced`}` : every(seconds);

/** A number field of the channel's rule, showing the engine's refusal for it in the merchant's words. */
function RuleNumberField(props: { label: string; name: string; value: string; onChange: (value: string) => void; problem?: { message: string }; helpText: string }) {
  const { problem, ...field } = props;
  return <TextField {...field} type="number" autoComplete="off" error={problem ? merchantText(problem.message) : undefined} />;
}

export default function ChannelsPage() {
  const { channels } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const [selected, setSelected] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [seconds, setSeconds] = useState("");
  const [fence, setFence] = useState("");
  const chosen = channels.find((channel) => channel.handle === selected) ?? null;
  const refreshChosen = channels.find((channel) => channel.handle === refreshing) ?? null;
  const submit = useSubmit();
  // The refresh-window form has unsaved changes when its fields differ from the channel's; the
  // pause form when a reason was typed (issue 18 § 5: the save bar on every form with changes).
  const asText = (value: number | null | undefined) => (value === null || value === undefined ? "" : String(value));
  const refreshDirty = refreshChosen !== null && (seconds !== asText(refreshChosen.refreshSeconds) || fence !== asText(refreshChosen.ringFenceUnits));
  const pauseDirty = chosen !== null && reason.trim() !== "";

  useEffect(() => {
    if (result?.ok) {
      shopify.toast.show(`${result.intent === "refresh" ? "Refresh window and ring fence saved" : result.paused ? "Paused" : "Resumed"}: policy v${result.version} published`);
      setSelected(null);
      setRefreshing(null);
      setReason("");
    }
  }, [result, shopify]);
  const reasonError = result && !result.ok ? result.problems.find((problem) => problem.path === "reason") : undefined;
  const secondsError = result && !result.ok ? result.problems.find((problem) => problem.path.endsWith(".refreshSeconds")) : undefined;
  const fenceError = result && !result.ok ? result.problems.find((problem) => problem.path.endsWith(".ringFenceUnits")) : undefined;

  return (
    <Page title="Channels" subtitle="What each sales channel may sell, and why a channel is paused" backAction={{ content: "Overview", url: "/app" }}>
      <TitleBar title="Channels" />
      <ContextualSaveBar
        id="channels-save-bar"
        open={refreshDirty || pauseDirty}
        onSave={() =>
          refreshDirty && refreshChosen
            ? submit({ channel: refreshChosen.handle, intent: "refresh", refreshSeconds: seconds, ringFenceUnits: fence }, { method: "post" })
            : chosen && submit({ channel: chosen.handle, intent: chosen.pausedByMerchant ? "resume" : "pause", reason }, { method: "post" })
        }
        onDiscard={() => {
          setRefreshing(null);
          setSelected(null);
          setReason("");
        }}
        saving={navigation.state === "submitting"}
      />
      <BlockStack gap="400">
        {result && !result.ok && !reasonError && !secondsError && !fenceError && (
          <Banner tone="critical" title="Nothing changed">
            <p>{result.problems.map((problem) => `${problem.path}: ${merchantText(problem.message)}`).join("; ")}</p>
          </Banner>
        )}
        <Card padding="0">
          {channels.length === 0 ? (
            <EmptyState heading="No sales channels synced yet" action={{ content: "Go to Sync", url: "/app/sync" }} image="">
              <p>Safestock lists your sales channels here once the first import from Shopify has finished.</p>
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "text", "numeric", "text", "text", "text"]}
              headings={["Channel", "Allocation", "Cap", "Network min.", "Refresh / fence", "Pause below", "Draws from", "State", ""]}
              rows={channels.map((channel) => [
                // The tier under the name: one column fewer keeps the table inside its card at 1280 px.
                <BlockStack gap="050" key="n">
                  <Text as="span" fontWeight="semibold">
                    {channel.name}
                  </Text>
                  {channel.tier !== null ? (
                    <Text as="span" variant="bodySm" tone="subdued">
                      Tier {channel.tier}
                    </Text>
                  ) : null}
                </BlockStack>,
                channel.allocation,
                dash(channel.cap),
                dash(channel.networkMinimum),
                <Button
                  key="r"
                  variant="plain"
                  onClick={() => {
                    setRefreshing(channel.handle);
                    setSelected(null);
                    setSeconds(channel.refreshSeconds === null ? "" : String(channel.refreshSeconds));
                    setFence(channel.ringFenceUnits === null ? "" : String(channel.ringFenceUnits));
                  }}
                  accessibilityLabel={`Refresh window and ring fence of ${channel.name}`}
                >
                  {listingText(channel.refreshSeconds, channel.ringFenceUnits, channel.ringFenceSized)}
                </Button>,
                dash(channel.pauseBelow),
                <div key="d" style={{ whiteSpace: "normal", maxWidth: "8rem" }}>
                  {channel.drawsFrom}
                </div>,
                <div key="s" style={{ whiteSpace: "normal", minWidth: "8rem", maxWidth: "14rem" }}>
                  <BlockStack gap="100" inlineAlign="start">
                    <Badge tone={channel.pausedByMerchant ? "critical" : channel.pausedVariants > 0 ? "warning" : "success"}>
                      {channel.pausedByMerchant ? "Paused" : channel.pausedVariants > 0 ? "Partly paused" : "Selling"}
                    </Badge>
                    {/* The badge already says "Selling"; the text is only there when there is a reason to read. */}
                    {channel.pausedByMerchant || channel.pausedVariants > 0 ? <Text as="span">{channel.state}</Text> : null}
                  </BlockStack>
                </div>,
                <Button
                  key="a"
                  onClick={() => {
                    setSelected(channel.handle);
                    setRefreshing(null);
                    setReason("");
                  }}
                  accessibilityLabel={`${channel.pausedByMerchant ? "Resume" : "Pause"} ${channel.name}`}
                >
                  {channel.pausedByMerchant ? "Resume…" : "Pause…"}
                </Button>,
              ])}
            />
          )}
        </Card>
        {refreshChosen && (
          <Card>
            <Form method="post">
              <input type="hidden" name="channel" value={refreshChosen.handle} />
              <input type="hidden" name="intent" value="refresh" />
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {`Refresh window and ring fence of ${refreshChosen.name}`}
                </Text>
                <Text as="p" tone="subdued">
                  A channel that lists from a copy it re-reads every few seconds (a marketplace connector) can sell units the other
                  channels sold since its last read. Safestock keeps what the other channels sell in that time, plus the measured sync
                  delay, off this channel. Leave empty for a channel that reads the number live.
                </Text>
                <RuleNumberField
                  label="Seconds between the channel's reads"
                  name="refreshSeconds"
                  value={seconds}
                  onChange={setSeconds}
                  problem={secondsError}
                  helpText="Ask the connector's settings how often it syncs inventory, e.g. 15."
                />
                <RuleNumberField
                  label={refreshChosen.ringFenceSized ? "Most units kept back for this channel (cap)" : "Units ring-fenced for this channel"}
                  name="ringFenceUnits"
                  value={fence}
                  onChange={setFence}
                  problem={fenceError}
                  helpText="Per SKU, kept at the channel's locations for it alone: the web store, POS and B2B cannot sell them, so a connector's stale copy never oversells them. They stay unsold elsewhere if this channel does not sell them. Leave empty for none."
                />
                <InlineStack gap="200">
                  <Button submit variant="primary" loading={navigation.state === "submitting"}>
                    Save and publish
                  </Button>
                  <Button onClick={() => setRefreshing(null)}>Cancel</Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
        )}
        {chosen && (
          <Card>
            <Form method="post">
              <input type="hidden" name="channel" value={chosen.handle} />
              <input type="hidden" name="intent" value={chosen.pausedByMerchant ? "resume" : "pause"} />
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {chosen.pausedByMerchant ? `Resume ${chosen.name}` : `Pause ${chosen.name}`}
                </Text>
                <Text as="p" tone="subdued">
                  {chosen.pausedByMerchant
                    ? "Safestock gives the channel its numbers back and republishes the products it unpublished."
                    : "The channel's available-to-sell drops to 0 for every SKU and Safestock unpublishes the products it manages there until you resume."}
                </Text>
                <TextField
                  label="Reason (required)"
                  name="reason"
                  value={reason}
                  onChange={setReason}
                  autoComplete="off"
                  requiredIndicator
                  error={reasonError ? merchantText(reasonError.message) : undefined}
                  helpText="Kept in the activity log with the new policy version."
                />
                <InlineStack gap="200">
                  <Button submit variant="primary" tone={chosen.pausedByMerchant ? undefined : "critical"} loading={navigation.state === "submitting"}>
                    {chosen.pausedByMerchant ? `Resume ${chosen.name}` : `Pause ${chosen.name}`}
                  </Button>
                  <Button onClick={() => setSelected(null)}>Cancel</Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
