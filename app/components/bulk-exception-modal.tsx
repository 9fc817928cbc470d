import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Form, List, Modal, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";

export type BulkKind = "safety_stock" | "display";

const TITLES: Record<BulkKind, string> = { safety_stock: "Set safety stock", display: "Set display units" };

/**
 * Sets one exception for every selected item, in the rules draft (docs/decisions/036). The
 * server answers with the policy check's problems (shown here, nothing saved) or redirects to
 * Rules, where the draft is previewed and published as always. Polaris' Modal traps focus and
 * closes on Escape; Enter in the units field submits.
 */
export function BulkExceptionModal(props: {
  kind: BulkKind | null;
  inventoryItemIds: string[];
  skuCount: number;
  locations: string[];
  onClose: () => void;
}) {
  const fetcher = useFetcher<{ ok: false; problems: string[] }>();
  const [location, setLocation] = useState("");
  const [units, setUnits] = useState("");
  const kind = props.kind;
  useEffect(() => {
    // Each opening starts from empty fields: display units need a store chosen on purpose.
    if (kind) {
      setLocation("");
      setUnits("");
    }
  }, [kind]);
  if (!kind) return null;

  const submitting = fetcher.state !== "idle";
  const problems = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? fetcher.data.problems : [];
  const submit = () =>
    fetcher.submit(
      { intent: "bulk-exception", kind, location, units, inventoryItemIds: JSON.stringify(props.inventoryItemIds) },
      { method: "post", action: "/app/inventory" },
    );
  const count = props.inventoryItemIds.length;
  const locationOptions = [
    ...(kind === "safety_stock" ? [{ label: "Every location", value: "" }] : [{ label: "Choose a store", value: "" }]),
    ...props.locations.map((name) => ({ label: name, value: name })),
  ];
  return (
    <Modal
      open
      onClose={props.onClose}
      title={`${TITLES[kind]} for ${count === 1 ? "1 item" : `${count} items`}`}
      primaryAction={{ content: "Add to draft", onAction: submit, loading: submitting }}
      secondaryActions={[{ content: "Cancel", onAction: props.onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          {problems.length > 0 && (
            <Banner tone="critical" title="Nothing was added to your draft">
              <List>
                {problems.map((problem) => (
                  <List.Item key={problem}>{problem}</List.Item>
                ))}
              </List>
            </Banner>
          )}
          <Text as="p">
            {kind === "safety_stock"
              ? "These units stay out of every channel's number at the location you choose."
              : "Display or sample units at one store are never sold."}{" "}
            Exceptions name items by SKU, so {props.skuCount === 1 ? "this covers every variant with that SKU" : `this adds or updates an exception for each of the ${props.skuCount} SKUs, covering every variant that carries one`}.
            They go into your rules draft: nothing changes in Shopify until you preview and publish it.
          </Text>
          <Select label="Location" options={locationOptions} value={location} onChange={setLocation} />
          {/* Polaris' Form submits on Enter (its hidden submit button). */}
          <Form onSubmit={submit}>
            <TextField label="Units" type="number" min={0} value={units} onChange={setUnits} autoComplete="off" autoFocus />
          </Form>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
