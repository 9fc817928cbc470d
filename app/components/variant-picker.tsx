import { useFetcher } from "@remix-run/react";
import { Autocomplete } from "@shopify/polaris";
import { useEffect, useMemo, useRef, useState } from "react";

/** One variant as the picker lists it: its inventory item (the identity) and how a merchant reads it. */
export interface VariantChoice {
  item: string;
  label: string;
}

/**
 * Search-as-you-type for one variant (by SKU, product or variant title). A SKU may be shared by
 * several variants or blank (docs/decisions/020), so a pick names the variant's inventory
 * item (`itemName`), and the typed text is sent too (`textName`), for a merchant who types a
 * unique SKU and submits.
 */
export function VariantPicker({ label, textName, itemName, error, resetKey }: { label: string; textName: string; itemName: string; error?: string; resetKey?: unknown }) {
  const fetcher = useFetcher<{ variants?: VariantChoice[] }>();
  const [text, setText] = useState("");
  const [item, setItem] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout>>();

  useEffect(() => {
    setText("");
    setItem("");
  }, [resetKey]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const load = (query: string) => fetcher.load(`/app/catalog-search?kind=variant&q=${encodeURIComponent(query)}`);
  const search = (next: string) => {
    setText(next);
    setItem("");
    clearTimeout(timer.current);
    timer.current = setTimeout(() => load(next), 250);
  };
  const choices = useMemo(() => fetcher.data?.variants ?? [], [fetcher.data]);
  const options = useMemo(() => choices.map((choice) => ({ value: choice.item, label: choice.label })), [choices]);

  return (
    <>
      <input type="hidden" name={textName} value={text} />
      <input type="hidden" name={itemName} value={item} />
      <Autocomplete
        options={options}
        selected={item ? [item] : []}
        loading={fetcher.state === "loading"}
        onSelect={(selected) => {
          const choice = choices.find((entry) => entry.item === selected[0]);
          setItem(choice?.item ?? "");
          setText(choice?.label ?? "");
        }}
        textField={
          <Autocomplete.TextField
            label={label}
            value={text}
            onChange={search}
            onFocus={() => fetcher.state === "idle" && !fetcher.data && load(text)}
            placeholder="Type a SKU or product, then pick the variant"
            autoComplete="off"
            error={error}
          />
        }
      />
    </>
  );
}
