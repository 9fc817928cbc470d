import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  DropZone,
  EmptyState,
  InlineStack,
  Layout,
  List,
  Page,
  Pagination,
  Text,
  TextField,
} from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";
import { saveDownload } from "~/components/download";
import { ContextualSaveBar } from "~/components/contextual-save-bar";
import { useSearchParamNavigation } from "~/components/use-page-state";
import { formWithin, MAX_POLICY_FORM_BYTES, tooLargeMessage } from "~/services/form-body.server";
import { rollbackPolicy } from "~/services/policy.server";
import { pageRequestOf } from "~/services/display-view.server";
import { importPolicyText, loadPolicyPage } from "~/services/policy-view.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await loadPolicyPage(session.shop, pageRequestOf(new URL(request.url).searchParams)));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await formWithin(request, MAX_POLICY_FORM_BYTES);
  if (!form) return json({ ok: false as const, problems: [{ path: "policy", message: tooLargeMessage(MAX_POLICY_FORM_BYTES) }] }, { status: 413 });
  const text = String(form.get("policy") ?? "");
  const note = String(form.get("note") ?? "").trim() || null;
  // Offline sessions carry no user; the audit then says "merchant" like every other UI change.
  const createdBy = session.onlineAccessInfo?.associated_user?.email ?? "merchant";
  if (form.get("intent") === "rollback") {
    const result = await rollbackPolicy(session.shop, Number(form.get("version")), { createdBy });
    return json(result, { status: result.ok ? 200 : 422 });
  }
  const result = await importPolicyText(session.shop, text, { createdBy, note });
  return json(result, { status: result.ok ? 200 : 422 });
};

export default function PolicyPage() {
  const { current, versions, nextVersionsCursor, previousVersionsCursor, locations, channels } = useLoaderData<typeof loader>();
  const setSearch = useSearchParamNavigation();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const [text, setText] = useState("");
  const [note, setNote] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const submitting = navigation.state === "submitting" && navigation.formMethod?.toLowerCase() === "post";

  // Success: tell the merchant (App Bridge toast) and clear the form; on failure the text stays
  // so they can fix it where it is.
  useEffect(() => {
    if (result?.ok) {
      shopify.toast.show(`Policy v${result.version} published`);
      setText("");
      setNote("");
      setFileName(null);
    }
  }, [result, shopify]);

  const onDrop = useCallback((_all: File[], accepted: File[], rejected: File[]) => {
    setFileError(rejected.length > 0 ? `${rejected[0].name} is not a JSON file` : null);
    const file = accepted[0];
    if (!file) return;
    file.text().then(
      (content) => {
        setText(content);
        setFileName(file.name);
      },
      () => setFileError(`${file.name} could not be read`),
    );
  }, []);

  // A download needs the session token, which only App Bridge's fetch adds; a plain link would
  // open the export without it.
  const exportPolicy = useCallback(async () => {
    setExportError(null);
    const response = await fetch("/app/policy/export");
    if (!response.ok) {
      setExportError(await response.text());
      return;
    }
    await saveDownload(response, "safestock-policy.json");
  }, []);

  const example = useMemo(() => examplePolicy(locations, channels), [locations, channels]);
  const problems = result && !result.ok ? result.problems : [];
  const submit = useSubmit();
  // A policy typed or loaded but not yet published is unsaved (issue 18 § 5); publishing clears
  // the form (above), which closes the bar.
  const dirty = text.trim() !== "" || note.trim() !== "";

  return (
    <Page
      title="Policy"
      backAction={{ content: "Diagnostics", url: "/app/diagnostics" }}
      secondaryActions={current ? [{ content: "Export JSON", onAction: () => void exportPolicy() }] : []}
    >
      <TitleBar title="Policy" />
      <ContextualSaveBar
        id="policy-save-bar"
        open={dirty}
        onSave={() => submit({ policy: text, note }, { method: "post" })}
        onDiscard={() => {
          setText("");
          setNote("");
          setFileName(null);
          setFileError(null);
        }}
        saving={submitting}
        saveDisabled={!text.trim()}
        leaveMessage="Leaving this page discards the policy you have not published."
      />
      <BlockStack gap="400">
        {exportError && (
          <Banner tone="critical" title="The policy could not be exported" onDismiss={() => setExportError(null)}>
            <p>{exportError}</p>
          </Banner>
        )}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                {current ? (
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Version {current.version} in force
                    </Text>
                    <Text as="p" tone="subdued">
                      Published {current.createdAt} by {current.createdBy}. The most specific rule of a kind wins; different kinds
                      add up.
                    </Text>
                    <Text as="h3" variant="headingSm">
                      Protection rules
                    </Text>
                    {current.rules.length === 0 ? (
                      <Text as="p" tone="subdued">
                        No protection rules: every unit is on sale at every location.
                      </Text>
                    ) : (
                      <DataTable
                        columnContentTypes={["text", "text", "text"]}
                        headings={["Rule", "Applies to", "Withholds"]}
                        rows={current.rules.map((rule) => [rule.kind, rule.scope, rule.units])}
                      />
                    )}
                    <Text as="h3" variant="headingSm">
                      Channel rules
                    </Text>
                    {current.channels.length === 0 ? (
                      <Text as="p" tone="subdued">
                        No channel rules: every channel shares what is available.
                      </Text>
                    ) : (
                      <DataTable
                        columnContentTypes={["text", "text", "text", "text", "text"]}
                        headings={["Channel", "Tier", "Draws from", "Share", "Limits"]}
                        rows={current.channels.map((row) => [row.channel, row.tier, row.locations, row.share, row.limits])}
                      />
                    )}
                  </BlockStack>
                ) : (
                  <EmptyState heading="No policy yet" image="">
                    <p>
                      Import a policy below to start protecting stock. Until then Safestock only watches and every unit stays on
                      sale.
                    </p>
                  </EmptyState>
                )}
              </Card>

              <Card>
                <Form method="post">
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Import policy
                    </Text>
                    {problems.length > 0 && (
                      <Banner tone="critical" title={`The policy was not published: ${problems.length} problem${problems.length === 1 ? "" : "s"}`}>
                        <List>
                          {problems.map((problem, index) => (
                            <List.Item key={`${problem.path}-${index}`}>
                              <Text as="span" fontWeight="semibold">
                                {problem.path}
                              </Text>
                              : {problem.message}
                            </List.Item>
                          ))}
                        </List>
                      </Banner>
                    )}
                    <DropZone
                      label="Policy file"
                      accept=".json,application/json"
                      type="file"
                      allowMultiple={false}
                      onDrop={onDrop}
                      error={Boolean(fileError)}
                    >
                      <DropZone.FileUpload actionTitle="Choose a .json file" actionHint="or drop it here; its text appears below" />
                    </DropZone>
                    {fileError && (
                      <Text as="p" tone="critical">
                        {fileError}
                      </Text>
                    )}
                    {fileName && (
                      <Text as="p" tone="subdued">
                        Loaded {fileName}
                      </Text>
                    )}
                    <TextField
                      label="Policy JSON"
                      name="policy"
                      value={text}
                      onChange={setText}
                      multiline={10}
                      monospaced
                      autoComplete="off"
                      helpText="The whole policy (format v1, described in docs/policy.md): protection rules per location and SKU, product or tag, and channel rules. Publishing replaces the policy in force with a new version; nothing changes if any problem is found."
                    />
                    <TextField
                      label="Note (optional)"
                      name="note"
                      value={note}
                      onChange={setNote}
                      autoComplete="off"
                      helpText="Kept with the version and in the activity log, e.g. “Black Friday floors”."
                    />
                    <InlineStack gap="200">
                      <Button submit variant="primary" loading={submitting} disabled={!text.trim()}>
                        Publish policy
                      </Button>
                      <Button onClick={() => setText(example)} disabled={submitting}>
                        Start from an example
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              </Card>
            </BlockStack>
          </Layout.Section>

          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Versions
                  </Text>
                  {versions.length === 0 && !previousVersionsCursor ? (
                    <Text as="p" tone="subdued">
                      No version published yet.
                    </Text>
                  ) : (
                    <BlockStack gap="200">
                      {versions.map((version) => (
                        <BlockStack gap="050" key={version.version}>
                          <Text as="p" fontWeight="semibold">
                            v{version.version}
                            {current?.version === version.version ? " · in force" : ""}
                          </Text>
                          <Text as="p" tone="subdued" variant="bodySm">
                            {version.createdAt} by {version.createdBy}
                          </Text>
                          {version.note && (
                            <Text as="p" variant="bodySm">
                              {version.note}
                            </Text>
                          )}
                          {current?.version !== version.version && (
                            <Form method="post" action="/app/preview">
                              <input type="hidden" name="intent" value="rollback" />
                              <input type="hidden" name="version" value={version.version} />
                              <Button submit variant="plain" accessibilityLabel={`Preview rolling back to version ${version.version}`}>
                                Roll back to this version…
                              </Button>
                            </Form>
                          )}
                        </BlockStack>
                      ))}
                    </BlockStack>
                  )}
                  {/* Older versions a page at a time, as on Activity: every kept version can be rolled back to. */}
                  {(nextVersionsCursor || previousVersionsCursor) && (
                    <Pagination
                      hasPrevious={Boolean(previousVersionsCursor)}
                      onPrevious={() => previousVersionsCursor && setSearch({ cursor: previousVersionsCursor, direction: "previous" })}
                      previousTooltip="Newer versions"
                      accessibilityLabels={{ previous: "Newer versions", next: "Older versions" }}
                      hasNext={Boolean(nextVersionsCursor)}
                      onNext={() => nextVersionsCursor && setSearch({ cursor: nextVersionsCursor, direction: "next" })}
                      nextTooltip="Older versions"
                    />
                  )}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Names a policy can use
                  </Text>
                  <Text as="p" tone="subdued">
                    Locations: {locations.length ? locations.join(", ") : "none synced yet"}
                  </Text>
                  <Text as="p" tone="subdued">
                    Channels: {channels.length ? channels.join(", ") : "none synced yet"}
                  </Text>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

/** A starting point that names this shop's own locations and channels, so it validates as is once SKUs are adjusted. */
function examplePolicy(locations: string[], channels: string[]): string {
  const store = locations.find((name) => /store|shop/i.test(name)) ?? locations[0];
  return JSON.stringify(
    {
      version: 1,
      protection: [
        { kind: "safety_stock", units: 2 },
        ...(store ? [{ kind: "safety_stock", units: 1, location: store }] : []),
      ],
      channels: channels.slice(0, 2).map((channel, index) => (index === 0 ? { channel, tier: 1, networkMinimum: 1 } : { channel, tier: 2, allocationPercent: 50 })),
    },
    null,
    2,
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
