import { Form } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";

interface Item {
  key: string;
  label: string;
  status: "done" | "todo" | "unknown";
  detail: string;
}

const BADGE = {
  done: { tone: "success", label: "Done" },
  todo: { tone: "attention", label: "To do" },
  unknown: { tone: undefined, label: "Unknown" },
} as const;

/** The Overview's set-up checklist (app/domain/setup-checklist.ts), with the one-click switch-on. */
export function SetupChecklist({ items, switching, refusal }: { items: Item[]; switching: boolean; refusal: string | null }) {
  const done = items.filter((item) => item.status === "done").length;
  const validation = items.find((item) => item.key === "validation");
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Set-up
          </Text>
          <Text as="span" tone="subdued">
            {done} of {items.length} done
          </Text>
        </InlineStack>
        <ul aria-label="Set-up checklist" style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "8px" }}>
          {items.map((item) => (
            <li key={item.key} data-setup-item={item.key} data-status={item.status}>
              <InlineStack gap="200" blockAlign="start" wrap={false}>
                <Badge tone={BADGE[item.status].tone}>{BADGE[item.status].label}</Badge>
                <BlockStack gap="050">
                  <Text as="span" fontWeight="semibold">
                    {item.label}
                  </Text>
                  <Text as="span" tone="subdued">
                    {item.detail}
                  </Text>
                </BlockStack>
              </InlineStack>
            </li>
          ))}
        </ul>
        {refusal && (
          <Text as="p" tone="critical">
            {refusal}
          </Text>
        )}
        {validation && validation.status !== "done" && (
          <Form method="post">
            <input type="hidden" name="intent" value="switch-on" />
            <Button submit variant="primary" loading={switching}>
              Switch protection on
            </Button>
          </Form>
        )}
      </BlockStack>
    </Card>
  );
}
