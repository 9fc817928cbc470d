import { useFetcher } from "@remix-run/react";
import { Autocomplete } from "@shopify/polaris";
import { useEffect, useMemo, useRef, useState } from "react";

export type CatalogKind = "sku" | "product" | "tag";

const PLACEHOLDER: Record<CatalogKind, string> = { sku: "Type a SKU, e.g. RING-7", product: "Type a product title", tag: "Type a tag" };

/**
 * Search-as-you-type over the shop's synced catalog (SKUs, product titles or tags). In Shopify admin
 * a merchant could also use the resource picker; this one works against any catalog Safestock has
 * synced, including the sandbox. The typed text is kept even when it matches nothing, so the
 * engine's validator can say "unknown SKU". A SKU several variants share says so, in the list and
 * under the field: a SKU rule applies to every variant carrying it (docs/policy.md "Identity:
 * inventory item, not SKU"). Blank SKUs are never offered (the search leaves them out).
 */
export function CatalogPicker({
  kind,
  label,
  value,
  onChange,
  error,
  sharedBy,
}: {
  kind: CatalogKind;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  /** How many variants carry the SKU in the field, when several do (from the page's loader). */
  sharedBy?: number;
}) {
  const fetcher = useFetcher<{ matches: string[]; sharedBy?: Record<string, number> }>();
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout>>();

  useEffect(() => setText(value), [value]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (next: string) => {
    setText(next);
    onChange(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => fetcher.load(`/app/catalog-search?kind=${kind}&q=${encodeURIComponent(next)}`), 250);
  };
  // Only matches of what is typed now: an answer to an earlier keystroke still on screen would
  // put the wrong first option under ArrowDown + Enter.
  const options = useMemo(() => {
    const typed = text.trim().toLowerCase();
    const shared = fetcher.data?.sharedBy ?? {};
    return (fetcher.data?.matches ?? [])
      .filter((match) => match.toLowerCase().includes(typed))
      .map((match) => ({ value: match, label: shared[match] ? `${match} · shared by ${shared[match]} variants` : match }));
  }, [fetcher.data, text]);
  // The loader's count, else the search's (a SKU just picked, before the draft is saved and reloaded).
  const variants = sharedBy ?? fetcher.data?.sharedBy?.[value];

  return (
    <Autocomplete
      options={options}
      selected={value ? [value] : []}
      loading={fetcher.state === "loading"}
      onSelect={(selected) => {
        const choice = selected[0] ?? "";
        setText(choice);
        onChange(choice);
      }}
      textField={
        <Autocomplete.TextField
          label={label}
          value={text}
          onChange={search}
          onFocus={() => fetcher.state === "idle" && !fetcher.data && fetcher.load(`/app/catalog-search?kind=${kind}&q=${encodeURIComponent(text)}`)}
          placeholder={PLACEHOLDER[kind]}
          autoComplete="off"
          error={error}
          helpText={variants && variants > 1 ? `Shared by ${variants} variants: the rule applies to all of them` : undefined}
        />
      }
    />
  );
}
