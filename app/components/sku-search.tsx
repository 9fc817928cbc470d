import { useState } from "react";
import { Form } from "@remix-run/react";
import { Box, Button, Card, InlineStack, TextField } from "@shopify/polaris";

/**
 * The SKU search/filter card of list pages: a GET form (so the URL is shareable and the back
 * button works), a clear button, and "Show all" while a search is active.
 */
export function SkuSearch(props: {
  name: string;
  label: string;
  placeholder: string;
  submitLabel: string;
  /** The search in force (from the URL), or null. */
  active: string | null;
  /** Where "Show all" goes. */
  resetUrl: string;
  loading?: boolean;
}) {
  const [value, setValue] = useState(props.active ?? "");
  return (
    <Card>
      <Form method="get">
        <InlineStack gap="200" blockAlign="end">
          <Box minWidth="320px">
            <TextField
              label={props.label}
              name={props.name}
              value={value}
              onChange={setValue}
              autoComplete="off"
              placeholder={props.placeholder}
              clearButton
              onClearButtonClick={() => setValue("")}
            />
          </Box>
          <Button submit loading={props.loading}>
            {props.submitLabel}
          </Button>
          {props.active && <Button url={props.resetUrl}>Show all</Button>}
        </InlineStack>
      </Form>
    </Card>
  );
}
