import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { useEffect, useMemo, useRef, useState } from "react";
import { ContextualSaveBar } from "~/components/contextual-save-bar";
import { asDraft, describeProblemPath, merchantMessage, problemsByPath, type DraftDocument, type Problem } from "~/components/policy-form";
import { RulesEditor } from "~/components/rules-editor";
import { formWithin, MAX_POLICY_FORM_BYTES, tooLargeMessage } from "~/services/form-body.server";
import { merchantOf } from "~/services/merchant.server";
import { startPreview } from "~/services/policy-preview.server";
import { discardDraft, loadRulesEditor, saveDraft } from "~/services/rules-editor.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // A CSV import names the shared SKUs it added (app.rules_.import.tsx); the counts are read here.
  return json(await loadRulesEditor(session.shop, { importedSkus: new URL(request.url).searchParams.getAll("shared") }));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await formWithin(request, MAX_POLICY_FORM_BYTES);
  if (!form) {
    const problems: Problem[] = [{ path: "draft", message: tooLargeMessage(MAX_POLICY_FORM_BYTES) }];
    return json({ intent: "save" as const, ok: false as const, problems, savedAt: null }, { status: 413 });
  }
  const intent = form.get("intent");
  const who = merchantOf(session);
  if (intent === "discard") {
    await discardDraft(session.shop);
    return json({ intent: "discard" as const, ok: true as const, problems: [] as Problem[], savedAt: null });
  }
  const saved = await saveDraft(session.shop, String(form.get("document") ?? ""), { updatedBy: who });
  if (intent !== "preview") return json({ intent: "save" as const, ...saved, savedAt: saved.ok ? saved.savedAt : null }, { status: saved.ok ? 200 : 422 });
  if (!saved.ok || saved.problems.length > 0) {
    return json({ intent: "preview" as const, ok: false as const, problems: saved.problems, savedAt: null }, { status: 422 });
  }
  const preview = await startPreview(session.shop, { source: "draft" }, { createdBy: who });
  if (!preview.ok) return json({ intent: "preview" as const, ok: false as const, problems: preview.problems, savedAt: null }, { status: 422 });
  // Small catalogs: the result is ready before the page opens. Large ones open on a progress bar.
  return redirect(`/app/preview?id=${preview.id}`);
};

const AUTOSAVE_MS = 700;

export default function RulesPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const autosave = useFetcher<typeof action>();
  const [draft, setDraft] = useState<DraftDocument>(() => asDraft(data.document));
  const [dirty, setDirty] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const [params] = useSearchParams();
  const imported = params.get("imported");
  const bulk = params.get("bulk");
  const sharedMore = params.get("sharedMore");

  // A discard (or a publish elsewhere) reloads the document in force. While a draft exists the
  // form is the merchant's: an autosave's revalidation must not undo what was typed meanwhile.
  const inForce = data.draft ? null : JSON.stringify(data.document);
  useEffect(() => {
    if (inForce === null) return;
    setDraft(asDraft(JSON.parse(inForce)));
    setDirty(false);
  }, [inForce]);

  const save = (next: DraftDocument) => autosave.submit({ intent: "save", document: JSON.stringify(next) }, { method: "post" });
  const change = (next: DraftDocument) => {
    setDraft(next);
    setDirty(true);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => save(next), AUTOSAVE_MS);
  };
  useEffect(() => () => clearTimeout(timer.current), []);

  // The newest answer wins: a preview refusal, else the last autosave, else the stored draft's problems.
  const problems: Problem[] = (result?.intent === "preview" && !result.ok ? result.problems : null) ?? autosave.data?.problems ?? data.problems;
  const errors = useMemo(() => problemsByPath(problems, draft, data.channels), [problems, draft, data.channels]);
  const saving = autosave.state !== "idle" || (dirty && !autosave.data);
  const previewing = navigation.state !== "idle" && navigation.formData?.get("intent") === "preview";
  const hasDraft = Boolean(data.draft) || dirty;
  const savedAt = autosave.data?.savedAt ?? data.draft?.updatedAt ?? null;

  // Discarding right after an edit: an autosave still waiting for the typing to pause would save
  // the draft again after the discard, and an edit never autosaved leaves the form marked changed
  // (the version in force it reloads is the one already shown): either way the save bar came
  // back with the rules the merchant had just discarded.
  const discard = () => {
    clearTimeout(timer.current);
    setDirty(false);
    // No draft stored yet: the document loaded is the version in force, and nothing reloads it.
    if (!data.draft) setDraft(asDraft(data.document));
    submit({ intent: "discard" }, { method: "post" });
  };

  const preview = () => {
    clearTimeout(timer.current);
    submit({ intent: "preview", document: JSON.stringify(draft) }, { method: "post" });
  };

  return (
    <Page
      title="Rules"
      subtitle={data.current ? `Editing a draft of version ${data.current.version}` : "No policy published yet"}
      backAction={{ content: "Overview", url: "/app" }}
      primaryAction={{ content: "Preview changes", onAction: preview, loading: previewing, disabled: !hasDraft || saving || problems.length > 0 }}
      secondaryActions={[
        { content: "Discard draft", destructive: true, disabled: !hasDraft, onAction: discard },
        { content: "Import exceptions (CSV)", url: "/app/rules/import" },
        { content: "Versions and JSON", url: "/app/policy" },
      ]}
    >
      <TitleBar title="Rules" />
      {/* A draft is kept on the server, but it is not in force until previewed and published:
          the save bar shows while one exists; Save previews it, Discard drops it. */}
      <ContextualSaveBar
        id="rules-save-bar"
        open={hasDraft}
        onSave={preview}
        onDiscard={discard}
        saving={previewing}
        saveDisabled={saving || problems.length > 0}
        leaveMessage="Your draft is kept, but it is not in force until you preview and publish it."
        // Autosaved drafts survive a reload; only the last keystrokes before an autosave would not.
        unsavedOnUnload={dirty && saving}
      />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <InlineStack gap="200" blockAlign="center">
              <Text as="p" tone="subdued" aria-live="polite">
                {saving ? "Saving draft…" : hasDraft ? (savedAt ? `Draft saved ${savedAt}` : "Draft saved") : "No changes: this is the version in force."}
              </Text>
            </InlineStack>
            {imported && (
              <Banner tone="success" title={`${imported} exception${imported === "1" ? "" : "s"} imported into your draft`}>
                <BlockStack gap="200">
                  {data.importNotes.length > 0 && (
                    <List>
                      {data.importNotes.map((note) => (
                        <List.Item key={note}>{note}</List.Item>
                      ))}
                      {sharedMore && <List.Item>{`${sharedMore} more imported SKU${sharedMore === "1" ? " is" : "s are"} shared by several variants: their rules apply to all of them`}</List.Item>}
                    </List>
                  )}
                  <p>Nothing is published yet: preview the draft, then publish it.</p>
                </BlockStack>
              </Banner>
            )}
            {bulk && (
              <Banner tone="success" title={`Exceptions for ${bulk === "1" ? "1 SKU" : `${bulk} SKUs`} set in your draft from Inventory`}>
                <p>Nothing is published yet: preview the draft, then publish it.</p>
              </Banner>
            )}
            {problems.length > 0 && (
              <Banner tone="critical" title={`Fix ${problems.length === 1 ? "1 problem" : `${problems.length} problems`} before previewing`}>
                <List>
                  {problems.map((problem, index) => (
                    <List.Item key={`${problem.path}-${index}`}>
                      {describeProblemPath(problem.path, draft, data.channels, data.timeZone)}: {merchantMessage(problem.message, draft, data.channels)}
                    </List.Item>
                  ))}
                </List>
              </Banner>
            )}
            <RulesEditor draft={draft} onChange={change} errors={errors} locations={data.locations} channels={data.channels} sharedSkus={data.sharedSkus} timeZone={data.timeZone} />
            <InlineStack align="end" gap="200">
              <Button variant="primary" onClick={preview} loading={previewing} disabled={!hasDraft || saving || problems.length > 0}>
                Preview changes
              </Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
