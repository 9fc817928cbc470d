import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, DataTable, DropZone, InlineStack, List, Page, Text, TextField } from "@shopify/polaris";
import { useCallback, useState } from "react";
import { ContextualSaveBar } from "~/components/contextual-save-bar";
import { merchantText } from "~/components/policy-form";
import { CSV_TEMPLATE, importExceptionsCsv } from "~/services/csv-import.server";
import { formWithin, MAX_POLICY_FORM_BYTES, tooLargeMessage } from "~/services/form-body.server";
import { merchantOf } from "~/services/merchant.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return json({ template: CSV_TEMPLATE });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await formWithin(request, MAX_POLICY_FORM_BYTES);
  if (!form) return json({ ok: false as const, problems: [{ row: null, message: `the file ${tooLargeMessage(MAX_POLICY_FORM_BYTES)}` }], notes: [] }, { status: 413 });
  const result = await importExceptionsCsv(session.shop, String(form.get("csv") ?? ""), { updatedBy: merchantOf(session) });
  if (result.ok) return redirect(rulesAfterImport(result.added, result.notes.map((note) => note.sku)));
  return json(result, { status: 422 });
};

/** Shared SKUs named in the address, so Rules can note them; a few at most, the rest counted. */
const SHARED_SKUS_NAMED = 20;

function rulesAfterImport(added: number, sharedSkus: string[]): string {
  const params = new URLSearchParams({ imported: String(added) });
  for (const sku of sharedSkus.slice(0, SHARED_SKUS_NAMED)) params.append("shared", sku);
  if (sharedSkus.length > SHARED_SKUS_NAMED) params.set("sharedMore", String(sharedSkus.length - SHARED_SKUS_NAMED));
  return `/app/rules?${params.toString()}`;
}

/** The template is static text: built in the browser, so the download needs no authenticated request. */
function downloadTemplate(template: string) {
  const url = URL.createObjectURL(new Blob([template], { type: "text/csv" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "safestock-exceptions-template.csv";
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

export default function ImportExceptions() {
  const { template } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [text, setText] = useState("");
  const [fileError, setFileError] = useState<string | null>(null);
  const onDrop = useCallback((_all: File[], accepted: File[], rejected: File[]) => {
    setFileError(rejected.length > 0 ? `${rejected[0]!.name} is not a CSV file` : null);
    accepted[0]?.text().then(setText, () => setFileError("The file could not be read"));
  }, []);
  const problems = result && !result.ok ? result.problems : [];
  const notes = result && !result.ok ? result.notes : [];
  // Problems of the whole file (too large, too many rows or rules) point at no row: they are the
  // banner's text; the table lists only the rows to fix.
  const fileProblems = problems.filter((problem) => problem.row === null);
  const rowProblems = problems.filter((problem) => problem.row !== null);
  const submit = useSubmit();
  const submitting = navigation.state === "submitting";
  // Rows typed or loaded but not yet added to the draft are unsaved (issue 18 § 5). A successful
  // import redirects to Rules: an action's redirect does not pass through the leave blocker.
  const dirty = text.trim() !== "";

  return (
    <Page title="Import exceptions from CSV" backAction={{ content: "Rules", url: "/app/rules" }}>
      <TitleBar title="Import exceptions" />
      <ContextualSaveBar
        id="csv-import-save-bar"
        open={dirty}
        onSave={() => submit({ csv: text }, { method: "post" })}
        onDiscard={() => {
          setText("");
          setFileError(null);
        }}
        saving={submitting}
        leaveMessage="Leaving this page discards the CSV rows you have not added to your draft."
      />
      <BlockStack gap="400">
        {problems.length > 0 && (
          <Banner tone="critical" title={`Nothing was imported: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}`}>
            <BlockStack gap="200">
              {fileProblems.length === 1 && <p>{merchantText(fileProblems[0].message)}</p>}
              {fileProblems.length > 1 && (
                <List>
                  {fileProblems.map((problem, index) => (
                    <List.Item key={index}>{merchantText(problem.message)}</List.Item>
                  ))}
                </List>
              )}
              {rowProblems.length > 0 && (
                <DataTable
                  columnContentTypes={["numeric", "text"]}
                  headings={["Row", "Problem"]}
                  rows={rowProblems.map((problem, index) => [problem.row, <div key={index} style={{ whiteSpace: "normal" }}>{merchantText(problem.message)}</div>])}
                />
              )}
            </BlockStack>
          </Banner>
        )}
        {notes.length > 0 && (
          <Banner tone="info" title="Shared SKUs">
            <DataTable
              columnContentTypes={["numeric", "text"]}
              headings={["Row", "Note"]}
              rows={notes.map((note, index) => [note.row, <div key={index} style={{ whiteSpace: "normal" }}>{note.message}</div>])}
            />
          </Banner>
        )}
        <Card>
          <Form method="post">
            <BlockStack gap="300">
              <Text as="p">
                One exception per row: <code>kind</code> (safety_stock or display), <code>applies_to</code> (sku, product or tag), <code>value</code>,{" "}
                <code>location</code> (empty for every location) and <code>units</code>. The rows are added to your draft; preview it before publishing.
              </Text>
              <InlineStack>
                <Button onClick={() => downloadTemplate(template)}>
                  Download the template
                </Button>
              </InlineStack>
              <DropZone label="CSV file" accept=".csv,text/csv" type="file" allowMultiple={false} onDrop={onDrop} error={Boolean(fileError)}>
                <DropZone.FileUpload actionTitle="Choose a .csv file" actionHint="or drop it here; its rows appear below" />
              </DropZone>
              {fileError && (
                <Text as="p" tone="critical">
                  {fileError}
                </Text>
              )}
              <TextField label="CSV rows" name="csv" value={text} onChange={setText} multiline={8} monospaced autoComplete="off" />
              <InlineStack>
                <Button submit variant="primary" disabled={!text.trim()} loading={submitting}>
                  Add to draft
                </Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Card>
      </BlockStack>
    </Page>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
