import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, InlineGrid, InlineStack, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { merchantText } from "~/components/policy-form";
import { ContextualSaveBar } from "~/components/contextual-save-bar";
import { VariantPicker } from "~/components/variant-picker";
import { createCustomerHold, extendCustomerHold, loadHoldsPage, releaseCustomerHold } from "~/services/holds-admin.server";
import { merchantOf } from "~/services/merchant.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await loadHoldsPage(session.shop));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const field = (name: string) => String(form.get(name) ?? "");
  const who = { createdBy: merchantOf(session) };
  const intent = field("intent");
  const result =
    intent === "release"
      ? await releaseCustomerHold(session.shop, field("id"), who)
      : intent === "extend"
        ? await extendCustomerHold(session.shop, field("id"), field("expiresAt"), who)
        : await createCustomerHold(session.shop, { sku: field("sku"), item: field("item"), location: field("location"), units: field("units"), expiresAt: field("expiresAt"), note: field("note") }, who);
  return json({ ...result, intent }, { status: result.ok ? 200 : 422 });
};

const MESSAGES = { create: "Customer hold created", extend: "Hold extended", release: "Hold released" } as const;

export default function HoldsPage() {
  const { holds, locations, defaultLocation, timeZoneName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const [created, setCreated] = useState(0);
  const [location, setLocation] = useState(defaultLocation);
  const [units, setUnits] = useState("1");
  const [expiresAt, setExpiresAt] = useState("");
  const [note, setNote] = useState("");
  const [extending, setExtending] = useState<string | null>(null);
  const [extendTo, setExtendTo] = useState("");
  // Any input in the create form (the variant picker keeps its own state) counts as a change.
  const [createTouched, setCreateTouched] = useState(false);
  const createForm = useRef<HTMLFormElement>(null);
  const extendForm = useRef<HTMLFormElement>(null);
  const extendDirty = extending !== null && extendTo !== "";
  const discard = () => {
    setCreated((count) => count + 1);
    setUnits("1");
    setNote("");
    setExpiresAt("");
    setLocation(defaultLocation);
    setCreateTouched(false);
    setExtending(null);
    setExtendTo("");
  };

  useEffect(() => {
    if (!result?.ok) return;
    shopify.toast.show(MESSAGES[result.intent as keyof typeof MESSAGES] ?? "Done");
    if (result.intent === "create") {
      setCreated((count) => count + 1);
      setUnits("1");
      setNote("");
      setCreateTouched(false);
    }
    setExtending(null);
  }, [result, shopify]);
  const errors = new Map(result && !result.ok ? result.problems.map((problem) => [problem.path, merchantText(problem.message)]) : []);
  const busy = navigation.state === "submitting";

  return (
    <Page title="Holds" subtitle="Units kept for a checkout or a customer; every other channel gives way until the hold ends" backAction={{ content: "Overview", url: "/app" }}>
      <TitleBar title="Holds" />
      <ContextualSaveBar
        id="holds-save-bar"
        open={createTouched || extendDirty}
        onSave={() => (extendDirty ? extendForm.current : createForm.current)?.requestSubmit()}
        onDiscard={discard}
        saving={busy}
      />
      <BlockStack gap="400">
        {errors.get("hold") && (
          <Banner tone="critical" title="Nothing changed">
            <p>{errors.get("hold")}</p>
          </Banner>
        )}
        <Card padding="0">
          {holds.length === 0 ? (
            <EmptyState heading="No active holds" image="">
              <p>Holds appear here while a shopper is at checkout, and when you hold units for a customer below.</p>
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text", "text", "text", "text"]}
              headings={["Kind", "SKU", "Units", "Kept from", "Ends", "Note", ""]}
              rows={holds.map((hold) => [
                <Badge key="k" tone={hold.kind === "customer" ? "info" : undefined}>
                  {hold.kind === "customer" ? "Customer" : "Checkout"}
                </Badge>,
                <BlockStack key="s" gap="050">
                  <Text as="span">{hold.sku || "No SKU"}</Text>
                  <Text as="span" tone="subdued" variant="bodySm">
                    {hold.variant}
                  </Text>
                </BlockStack>,
                hold.units,
                hold.kind === "customer" ? `Every channel${hold.location ? ` (at ${hold.location})` : ""}` : `Every channel but ${hold.channel}`,
                <BlockStack key="e" gap="050">
                  <Text as="span">{hold.timeLeft}</Text>
                  <Text as="span" tone="subdued" variant="bodySm">
                    {hold.expiresAt}
                  </Text>
                </BlockStack>,
                <div key="n" style={{ whiteSpace: "normal", maxWidth: "16rem" }}>
                  {hold.note ?? "—"}
                </div>,
                hold.kind === "customer" ? (
                  <InlineStack key="a" gap="200">
                    <Button onClick={() => { setExtending(hold.id); setExtendTo(hold.expiresAtLocal); }} accessibilityLabel={`Extend the hold on ${hold.sku || hold.variant}`}>
                      Extend…
                    </Button>
                    <Form method="post">
                      <input type="hidden" name="intent" value="release" />
                      <input type="hidden" name="id" value={hold.id} />
                      <Button submit tone="critical" accessibilityLabel={`Release the hold on ${hold.sku || hold.variant}`}>
                        Release
                      </Button>
                    </Form>
                  </InlineStack>
                ) : (
                  ""
                ),
              ])}
            />
          )}
        </Card>
        {extending && (
          <Card>
            <Form method="post" ref={extendForm}>
              <input type="hidden" name="intent" value="extend" />
              <input type="hidden" name="id" value={extending} />
              <InlineStack gap="200" blockAlign="end">
                <TextField label={`Hold until (${timeZoneName})`} type="datetime-local" name="expiresAt" value={extendTo} onChange={setExtendTo} autoComplete="off" error={errors.get("expiresAt")} />
                <Button submit variant="primary" loading={busy}>
                  Extend hold
                </Button>
                <Button onClick={() => setExtending(null)}>Cancel</Button>
              </InlineStack>
            </Form>
          </Card>
        )}
        <Card>
          {/* noValidate: the server names every problem beside its field (units, SKU, end time) at once,
              where the browser would stop at the first one with a bubble in its own words. */}
          <Form method="post" ref={createForm} onChange={() => setCreateTouched(true)} noValidate>
            <input type="hidden" name="intent" value="create" />
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Hold units for a customer
              </Text>
              <InlineGrid columns={{ xs: 1, md: 4 }} gap="200">
                <VariantPicker label="SKU" textName="sku" itemName="item" error={errors.get("sku")} resetKey={created} />
                <Select label="Location" name="location" options={locations.map((name) => ({ label: name, value: name }))} value={location} onChange={setLocation} error={errors.get("location")} />
                <TextField label="Units" type="number" min={1} name="units" value={units} onChange={setUnits} autoComplete="off" error={errors.get("units")} />
                <TextField label={`Hold until (${timeZoneName})`} type="datetime-local" name="expiresAt" value={expiresAt} onChange={setExpiresAt} autoComplete="off" error={!extending ? errors.get("expiresAt") : undefined} />
              </InlineGrid>
              <TextField label="Note" name="note" value={note} onChange={setNote} autoComplete="off" placeholder="e.g. Ring for Ms. Lee, collecting Friday" error={errors.get("note")} />
              <InlineStack>
                <Button submit variant="primary" loading={busy}>
                  Hold units
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
