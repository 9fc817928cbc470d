import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { ContextualSaveBar } from "~/components/contextual-save-bar";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Button, Card, FormLayout, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { merchantText } from "~/components/policy-form";
import { merchantOf } from "~/services/merchant.server";
import { loadSettingsPage, saveSettings } from "~/services/settings-admin.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await loadSettingsPage(session.shop));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries([...(await request.formData()).entries()].map(([key, value]) => [key, String(value)]));
  const result = await saveSettings(session.shop, form, { updatedBy: merchantOf(session) });
  return json(result, { status: result.ok ? 200 : 422 });
};

type Key = keyof ReturnType<typeof useLoaderData<typeof loader>>["values"];

const GROUPS: { title: string; description: string; keys: Key[] }[] = [
  { title: "Sync", description: "How fast changes should reach your channels, and how often Safestock re-reads everything to fix drift.", keys: ["targetSyncLagSeconds", "reconcileEveryMinutes"] },
  { title: "Webhook health", description: "When Shopify's updates arrive late, low-stock SKUs are paused on lower-tier channels until they recover.", keys: ["freezeAfterLagSeconds", "freezeLowStockBelow"] },
  { title: "Checkout holds", description: "How long a shopper's checkout keeps units from other channels.", keys: ["cartHoldMinutes", "lowStockCartHoldMinutes"] },
];

export default function SettingsPage() {
  const { values, defaults, specs, updatedBy, updatedAt } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const stored = JSON.stringify(Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)])));
  const [form, setForm] = useState<Record<string, string>>(() => JSON.parse(stored) as Record<string, string>);
  // A save reloads the stored values: the form follows them, and the save bar closes.
  useEffect(() => setForm(JSON.parse(stored) as Record<string, string>), [stored]);
  const submit = useSubmit();
  const dirty = JSON.stringify(form) !== stored;
  useEffect(() => {
    if (result?.ok) shopify.toast.show(result.changed ? "Settings saved" : "Nothing changed");
  }, [result, shopify]);
  const errors = new Map(result && !result.ok ? result.problems.map((problem) => [problem.path, merchantText(problem.message)]) : []);

  return (
    <Page title="Settings" backAction={{ content: "Overview", url: "/app" }}>
      <TitleBar title="Settings" />
      <ContextualSaveBar
        id="settings-save-bar"
        open={dirty}
        onSave={() => submit(form, { method: "post" })}
        onDiscard={() => setForm(JSON.parse(stored) as Record<string, string>)}
        saving={navigation.state === "submitting"}
      />
      {/* noValidate: the fields' min/max drive the number spinners only. The browser's own check would
          stop "Save settings" at the first out-of-range field with a bubble in its words, and let an
          empty one through; the server's check names every field in the merchant's words, as the
          save bar's Save already shows. */}
      <Form method="post" noValidate>
        <BlockStack gap="400">
          {GROUPS.map((group) => (
            <Card key={group.title}>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {group.title}
                </Text>
                <Text as="p" tone="subdued">
                  {group.description}
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    {group.keys.map((key) => (
                      <TextField
                        key={key}
                        label={specs[key].label}
                        name={key}
                        type="number"
                        min={specs[key].min}
                        max={specs[key].max}
                        suffix={specs[key].unit}
                        value={form[key]}
                        onChange={(text) => setForm((current) => ({ ...current, [key]: text }))}
                        error={errors.get(key)}
                        helpText={`${specs[key].min}–${specs[key].max}; default ${defaults[key]}`}
                        autoComplete="off"
                      />
                    ))}
                  </FormLayout.Group>
                </FormLayout>
              </BlockStack>
            </Card>
          ))}
          <InlineStack align="space-between" blockAlign="center">
            <Text as="p" tone="subdued">
              {updatedAt ? `Last changed ${updatedAt} by ${updatedBy}` : "Using the defaults"}
            </Text>
            <Button submit variant="primary" loading={navigation.state === "submitting"}>
              Save settings
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Page>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "~/components/page-error";
