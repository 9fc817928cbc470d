import { BlockStack, Box, Button, Card, Checkbox, InlineGrid, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type { ReactNode } from "react";
import { CatalogPicker } from "./catalog-picker";
import {
  fieldText,
  fieldValue,
  isDefaultRule,
  isException,
  isLocationRule,
  itemKindOf,
  protectionRowName,
  releaseAtLabel,
  withField,
  withItemKind,
  type DraftDocument,
  type ItemKind,
  type Json,
} from "./policy-form";
import { instantOfWallClockInput, wallClockInputOf } from "./shop-clock";

export interface EditorNames {
  locations: string[];
  channels: { handle: string; name: string }[];
}

interface EditorProps extends EditorNames {
  draft: DraftDocument;
  onChange: (next: DraftDocument) => void;
  errors: Map<string, string>;
  /** How many variants carry each SKU the draft names, for SKUs several share (docs/policy.md "Identity"). */
  sharedSkus?: Record<string, number>;
  /** The shop's time zone (Shopify's `Shop.ianaTimezone`): release waves are typed and shown in it. */
  timeZone: string;
}

type RuleUpdate = (rule: Json) => Json;

const ITEM_OPTIONS: { label: string; value: ItemKind }[] = [
  { label: "Every item", value: "every" },
  { label: "A SKU", value: "sku" },
  { label: "A product", value: "product" },
  { label: "A tag", value: "tag" },
];

function NumberField(props: { label: string; value: unknown; onChange: (value: unknown) => void; error?: string; helpText?: string; step?: number }) {
  return (
    <TextField
      label={props.label}
      type="number"
      min={0}
      step={props.step}
      value={fieldText(props.value)}
      onChange={(text) => props.onChange(fieldValue(text))}
      error={props.error}
      helpText={props.helpText}
      autoComplete="off"
    />
  );
}

/** The rule's whole-row problems (e.g. "same kind and scope as Exception 2") and a Remove button. */
function RuleRow({ path, errors, onRemove, label, children }: { path: string; errors: Map<string, string>; onRemove: () => void; label: string; children: ReactNode }) {
  const rowError = errors.get(path);
  return (
    <Box padding="300" borderWidth="025" borderColor={rowError ? "border-critical" : "border"} borderRadius="200">
      <BlockStack gap="200">
        {children}
        <InlineStack align="space-between" blockAlign="center">
          <Text as="span" tone="critical">
            {rowError ?? ""}
          </Text>
          <Button variant="plain" tone="critical" onClick={onRemove} accessibilityLabel={`Remove ${label}`}>
            Remove
          </Button>
        </InlineStack>
      </BlockStack>
    </Box>
  );
}

function LocationSelect({ label, value, locations, onChange, error, required }: { label: string; value: unknown; locations: string[]; onChange: (value: string | undefined) => void; error?: string; required?: boolean }) {
  const options = [
    ...(required ? [{ label: "Choose a location", value: "" }] : [{ label: "Every location", value: "" }]),
    ...locations.map((name) => ({ label: name, value: name })),
    // A location the catalog no longer has stays visible so the engine's "unknown location" shows.
    ...(typeof value === "string" && value && !locations.includes(value) ? [{ label: value, value }] : []),
  ];
  return <Select label={label} options={options} value={typeof value === "string" ? value : ""} onChange={(next) => onChange(next || undefined)} error={error} />;
}

/** "Applies to" (every item / SKU / product / tag) with a catalog picker, and the location. */
function ScopeFields({
  rule,
  path,
  errors,
  locations,
  update,
  allowEvery = true,
  sharedSkus = {},
}: {
  rule: Json;
  path: string;
  errors: Map<string, string>;
  locations: string[];
  update: (change: RuleUpdate) => void;
  allowEvery?: boolean;
  sharedSkus?: Record<string, number>;
}) {
  const kind = itemKindOf(rule);
  return (
    <InlineGrid columns={{ xs: 1, md: 3 }} gap="200">
      <Select
        label="Applies to"
        options={allowEvery ? ITEM_OPTIONS : ITEM_OPTIONS.filter((option) => option.value !== "every")}
        value={kind}
        onChange={(next) => update((r) => withItemKind(r, next as ItemKind))}
      />
      {kind === "every" ? (
        <Box />
      ) : (
        <CatalogPicker
          kind={kind}
          label={kind === "sku" ? "SKU" : kind === "product" ? "Product" : "Tag"}
          value={fieldText(rule[kind])}
          // Kept even when cleared: withField drops an empty key, and a rule with no SKU, product or
          // tag is the default (or a location rule), so clearing the field to retype a SKU turned the
          // exception into a default that withheld units of every item. Kept empty, the policy
          // check names the field ("Must be a non-empty string") and Preview stays off.
          onChange={(value) => update((r) => ({ ...r, [kind]: value }))}
          error={errors.get(`${path}.${kind}`)}
          sharedBy={kind === "sku" && typeof rule.sku === "string" ? sharedSkus[rule.sku] : undefined}
        />
      )}
      <LocationSelect label="Location" value={rule.location} locations={locations} onChange={(value) => update((r) => withField(r, "location", value))} error={errors.get(`${path}.location`)} />
    </InlineGrid>
  );
}

function Section({ title, description, children, onAdd, addLabel }: { title: string; description: string; children: ReactNode; onAdd?: () => void; addLabel?: string }) {
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          <Text as="p" tone="subdued">
            {description}
          </Text>
        </BlockStack>
        {children}
        {onAdd && (
          <InlineStack>
            <Button onClick={onAdd}>{addLabel}</Button>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}

/** The whole rules form: each section lists its rules with their index in the policy, so the engine's paths land on the right field. */
export function RulesEditor({ draft, onChange, errors, locations, channels, sharedSkus, timeZone }: EditorProps) {
  const rules = draft.protection;
  const indexed = rules.map((rule, index) => ({ rule, index }));
  const setRule = (index: number) => (change: RuleUpdate) => onChange({ ...draft, protection: rules.map((rule, i) => (i === index ? change(rule) : rule)) });
  const removeRule = (index: number) => () => onChange({ ...draft, protection: rules.filter((_, i) => i !== index) });
  const addRule = (rule: Json) => () => onChange({ ...draft, protection: [...rules, rule] });
  const path = (index: number) => `protection[${index}]`;
  // "Remove exception 1": the row's name as the problem banner says it.
  const rowLabel = (index: number) => {
    const name = protectionRowName(draft, index);
    return name.charAt(0).toLowerCase() + name.slice(1);
  };

  const defaultRule = indexed.find(({ rule }) => isDefaultRule(rule));
  const setDefault = (value: unknown) => {
    if (value === undefined) {
      if (defaultRule) removeRule(defaultRule.index)();
    } else if (defaultRule) setRule(defaultRule.index)((rule) => withField(rule, "units", value));
    else addRule({ kind: "safety_stock", units: value })();
  };

  return (
    <BlockStack gap="400">
      <Section title="Default safety stock" description="Units kept out of sale for every item at every location, unless a more specific rule says otherwise.">
        <Box maxWidth="240px">
          <NumberField
            label="Units per item and location"
            value={defaultRule?.rule.units}
            onChange={setDefault}
            error={defaultRule ? errors.get(`${path(defaultRule.index)}.units`) : undefined}
            helpText="Leave empty for no default."
          />
        </Box>
      </Section>

      <Section
        title="Per location"
        description="A different safety stock at one location (replaces the default there)."
        onAdd={addRule({ kind: "safety_stock", units: 1, location: locations[0] ?? "" })}
        addLabel="Add a location rule"
      >
        {indexed
          .filter(({ rule }) => isLocationRule(rule))
          .map(({ rule, index }) => (
            <RuleRow key={index} path={path(index)} errors={errors} onRemove={removeRule(index)} label={rowLabel(index)}>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="200">
                <LocationSelect label="Location" value={rule.location} locations={locations} required onChange={(value) => setRule(index)((r) => withField(r, "location", value ?? ""))} error={errors.get(`${path(index)}.location`)} />
                <NumberField label="Units" value={rule.units} onChange={(value) => setRule(index)((r) => withField(r, "units", value))} error={errors.get(`${path(index)}.units`)} />
              </InlineGrid>
            </RuleRow>
          ))}
      </Section>

      <Section
        title="Exceptions"
        description="Safety stock for one SKU, product or tag (the most specific rule wins), and units on display in a store (never sold, added on top)."
        onAdd={addRule({ kind: "safety_stock", units: 1, sku: "" })}
        addLabel="Add an exception"
      >
        {indexed
          .filter(({ rule }) => isException(rule))
          .map(({ rule, index }) => (
            <RuleRow key={index} path={path(index)} errors={errors} onRemove={removeRule(index)} label={rowLabel(index)}>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="200">
                <Select
                  label="Kind"
                  options={[
                    { label: "Safety stock", value: "safety_stock" },
                    { label: "On display (store × SKU)", value: "display" },
                  ]}
                  value={String(rule.kind)}
                  onChange={(kind) =>
                    setRule(index)((r) =>
                      kind === "display"
                        ? { kind, units: r.units ?? 1, sku: r.sku ?? "", location: r.location ?? locations[0] ?? "" }
                        : withField(r, "kind", kind),
                    )
                  }
                />
                <NumberField label="Units" value={rule.units} onChange={(value) => setRule(index)((r) => withField(r, "units", value))} error={errors.get(`${path(index)}.units`)} />
              </InlineGrid>
              <ScopeFields rule={rule} path={path(index)} errors={errors} locations={locations} update={setRule(index)} allowEvery={false} sharedSkus={sharedSkus} />
            </RuleRow>
          ))}
      </Section>

      {/* Retired for new rules (docs/decisions/032 "The velocity buffer"): it never beat a flat safety
          stock of its mean size in the flash sale; stored ones still plan, can be edited or removed. */}
      {indexed.some(({ rule }) => rule.kind === "velocity_buffer") && (
      <Section
        title="Velocity buffers (retired)"
        description="No longer offered for new rules: in our measurements a velocity buffer withheld as much as a flat safety stock of the same size and prevented no more oversells, because what oversells is a channel reading an old number. Use a refresh window or a marketplace reserve on that channel instead. Yours keeps working until you remove it."
      >
        {indexed
          .filter(({ rule }) => rule.kind === "velocity_buffer")
          .map(({ rule, index }) => (
            <RuleRow key={index} path={path(index)} errors={errors} onRemove={removeRule(index)} label={rowLabel(index)}>
              <ScopeFields rule={rule} path={path(index)} errors={errors} locations={locations} update={setRule(index)} sharedSkus={sharedSkus} />
              <InlineGrid columns={{ xs: 1, md: 3 }} gap="200">
                <NumberField label="Risk factor" step={0.5} value={rule.riskFactor} onChange={(value) => setRule(index)((r) => withField(r, "riskFactor", value))} error={errors.get(`${path(index)}.riskFactor`)} helpText="1 = the expected sales; 2 = twice that" />
                <NumberField label="At least (units)" value={rule.minUnits} onChange={(value) => setRule(index)((r) => withField(r, "minUnits", value))} error={errors.get(`${path(index)}.minUnits`)} />
                <NumberField label="At most (units)" value={rule.maxUnits} onChange={(value) => setRule(index)((r) => withField(r, "maxUnits", value))} error={errors.get(`${path(index)}.maxUnits`)} />
              </InlineGrid>
            </RuleRow>
          ))}
      </Section>
      )}

      <Section
        title="Promotion quarantines"
        description="Units of each listed SKU held back across locations (e.g. for a launch), released in waves at the times you set, in your shop's time zone."
        onAdd={addRule({ kind: "quarantine", skus: [], units: 10, releases: [] })}
        addLabel="Add a quarantine"
      >
        {indexed
          .filter(({ rule }) => rule.kind === "quarantine")
          .map(({ rule, index }) => (
            <QuarantineRow key={index} timeZone={timeZone} rule={rule} index={index} label={rowLabel(index)} errors={errors} locations={locations} update={setRule(index)} onRemove={removeRule(index)} />
          ))}
      </Section>

      <Section
        title="Release gates"
        description="Received units stay out of sale (Shopify's quality control) until you approve them."
        onAdd={addRule({ kind: "release_gate" })}
        addLabel="Add a release gate"
      >
        {indexed
          .filter(({ rule }) => rule.kind === "release_gate")
          .map(({ rule, index }) => (
            <RuleRow key={index} path={path(index)} errors={errors} onRemove={removeRule(index)} label={rowLabel(index)}>
              <ScopeFields rule={rule} path={path(index)} errors={errors} locations={locations} update={setRule(index)} sharedSkus={sharedSkus} />
            </RuleRow>
          ))}
      </Section>

      <ChannelRules draft={draft} onChange={onChange} errors={errors} locations={locations} channels={channels} />
    </BlockStack>
  );
}

function QuarantineRow({ rule, index, label, errors, locations, update, onRemove, timeZone }: { rule: Json; index: number; label: string; errors: Map<string, string>; locations: string[]; update: (change: RuleUpdate) => void; onRemove: () => void; timeZone: string }) {
  const path = `protection[${index}]`;
  const skus = Array.isArray(rule.skus) ? (rule.skus as string[]) : [];
  const releases = Array.isArray(rule.releases) ? (rule.releases as Json[]) : [];
  const skuErrors = skus.map((_, j) => errors.get(`${path}.skus[${j}]`)).filter(Boolean);
  const setReleases = (next: Json[]) => update((r) => withField(r, "releases", next.length ? next : undefined));
  return (
    <RuleRow path={path} errors={errors} onRemove={onRemove} label={label}>
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="200">
        <TextField
          label="SKUs (comma-separated)"
          value={skus.join(", ")}
          onChange={(text) => update((r) => ({ ...r, skus: text.split(",").map((sku) => sku.trim()).filter((sku, i, all) => sku || i < all.length - 1) }))}
          error={[errors.get(`${path}.skus`), ...skuErrors].filter(Boolean).join("; ") || undefined}
          autoComplete="off"
        />
        <NumberField label="Units held per SKU" value={rule.units} onChange={(value) => update((r) => withField(r, "units", value))} error={errors.get(`${path}.units`)} />
      </InlineGrid>
      <LocationSelect
        label="Take the units from"
        value={Array.isArray(rule.locations) ? (rule.locations as string[])[0] : undefined}
        locations={locations}
        onChange={(value) => update((r) => withField(r, "locations", value ? [value] : undefined))}
        error={[errors.get(`${path}.locations`), errors.get(`${path}.locations[0]`)].filter(Boolean).join("; ") || undefined}
      />
      {errors.get(`${path}.releases`) && (
        <Text as="p" tone="critical">
          {errors.get(`${path}.releases`)}
        </Text>
      )}
      {releases.map((wave, j) => (
        <InlineGrid key={j} columns={{ xs: 1, md: 3 }} gap="200" alignItems="end">
          <TextField
            label={releaseAtLabel(j + 1, wave.at, timeZone)}
            type="datetime-local"
            value={wallClockInputOf(wave.at, timeZone)}
            onChange={(text) => setReleases(releases.map((w, k) => (k === j ? withField(w, "at", instantOfWallClockInput(text, timeZone)) : w)))}
            error={errors.get(`${path}.releases[${j}].at`)}
            autoComplete="off"
          />
          <NumberField label="Units released" value={wave.units} onChange={(value) => setReleases(releases.map((w, k) => (k === j ? withField(w, "units", value) : w)))} error={errors.get(`${path}.releases[${j}].units`)} />
          <Button variant="plain" onClick={() => setReleases(releases.filter((_, k) => k !== j))} accessibilityLabel={`Remove release ${j + 1}`}>
            Remove release
          </Button>
        </InlineGrid>
      ))}
      <InlineStack>
        <Button onClick={() => setReleases([...releases, { at: new Date(Date.now() + 86_400_000).toISOString().slice(0, 14) + "00:00Z", units: 1 }])}>Add a release wave</Button>
      </InlineStack>
    </RuleRow>
  );
}

const SHARE_OPTIONS = [
  { label: "Shares the whole pool", value: "pool" },
  { label: "A percentage of the pool", value: "percent" },
  { label: "A fixed number of units", value: "fixed" },
];

const FENCE_OPTIONS = [
  { label: "No ring fence", value: "none" },
  { label: "A fixed number of units", value: "fixed" },
  { label: "Sized from its own sales, up to a cap", value: "measured" },
];

/**
 * The channel's ring fence (docs/policy.md § 4): none, a fixed number of units, or a reserve that
 * sizes itself from the channel's own sales over its refresh window (docs/decisions/032), which needs
 * how often it reads its number and a cap.
 */
function RingFenceFields({ rule, path, errors, update }: { rule: Json; path: string; errors: Map<string, string>; update: (change: RuleUpdate) => void }) {
  const mode = rule.ringFenceSizing === "measured" ? "measured" : rule.ringFenceUnits !== undefined ? "fixed" : "none";
  const error = (field: string) => errors.get(`${path}.${field}`);
  return (
    <>
      <Select
        label="Ring fence"
        options={FENCE_OPTIONS}
        value={mode}
        error={error("ringFenceSizing")}
        helpText="Units kept for this channel alone; other channels cannot sell them"
        onChange={(next) =>
          update((r) => {
            const cleared = ["ringFenceSizing", "ringFenceMinUnits", "ringFenceUnits"].reduce((acc, field) => withField(acc, field, undefined), r);
            if (next === "fixed") return { ...cleared, ringFenceUnits: r.ringFenceUnits ?? 10 };
            if (next === "measured") return { ...cleared, ringFenceSizing: "measured", ringFenceUnits: r.ringFenceUnits ?? 15, ringFenceMinUnits: 2, refreshSeconds: r.refreshSeconds ?? 900 };
            return cleared;
          })
        }
      />
      {mode === "fixed" && (
        <NumberField label="Ring-fenced units" value={rule.ringFenceUnits} onChange={(value) => update((r) => withField(r, "ringFenceUnits", value))} error={error("ringFenceUnits")} helpText="Kept for this channel alone; others cannot sell them" />
      )}
      {mode === "measured" && (
        <>
          <NumberField
            label="Keep back at most (units per SKU)"
            value={rule.ringFenceUnits}
            onChange={(value) => update((r) => withField(r, "ringFenceUnits", value))}
            error={error("ringFenceUnits")}
            helpText="Your cap: the reserve is what this channel sells between two reads of its number, never more than this"
          />
          <NumberField
            label="Keep back at least (units per SKU)"
            value={rule.ringFenceMinUnits}
            onChange={(value) => update((r) => withField(r, "ringFenceMinUnits", value))}
            error={error("ringFenceMinUnits")}
            helpText="What it lists before it has sold anything"
          />
          <NumberField
            label="Reads its number every (seconds)"
            value={rule.refreshSeconds}
            onChange={(value) => update((r) => withField(r, "refreshSeconds", value))}
            error={error("refreshSeconds")}
            helpText="How often the channel's connector re-reads its stock (900 = 15 min)"
          />
        </>
      )}
    </>
  );
}

/** One row per sales channel of the shop; a channel without a rule shares everything. */
/** The list's own problem and those of entries without a checkbox of their own (a location no longer active or unknown). */
function listErrors(errors: Map<string, string>, path: string, entries: readonly string[] | null, shown: readonly string[]): string | undefined {
  const unshown = (entries ?? []).flatMap((entry, j) => (shown.includes(entry) ? [] : [errors.get(`${path}[${j}]`)]));
  return [errors.get(path), ...unshown].filter(Boolean).join("; ") || undefined;
}

function ChannelRules({ draft, onChange, errors, locations, channels }: Omit<EditorProps, "timeZone">) {
  const rules = draft.channels;
  const setChannel = (index: number, change: RuleUpdate) => onChange({ ...draft, channels: rules.map((rule, i) => (i === index ? change(rule) : rule)) });
  const unruled = channels.filter((channel) => !rules.some((rule) => rule.channel === channel.handle));
  return (
    <Section title="Sales channels" description="How much each channel may sell. Tier 1 is the highest priority; lower tiers can be kept at 0 while stock is low.">
      {rules.map((rule, index) => {
        const path = `channels[${index}]`;
        const name = channels.find((channel) => channel.handle === rule.channel)?.name ?? fieldText(rule.channel);
        const share = rule.allocationPercent !== undefined ? "percent" : rule.fixedUnits !== undefined ? "fixed" : "pool";
        const drawsFrom = Array.isArray(rule.locations) ? (rule.locations as string[]) : null;
        return (
          <RuleRow key={index} path={path} errors={errors} onRemove={() => onChange({ ...draft, channels: rules.filter((_, i) => i !== index) })} label={`rules for ${name}`}>
            <Text as="h3" variant="headingSm">
              {name}
              {rule.paused === true ? " · paused by the merchant" : ""}
            </Text>
            {errors.get(`${path}.channel`) && (
              <Text as="p" tone="critical">
                {errors.get(`${path}.channel`)}
              </Text>
            )}
            <InlineGrid columns={{ xs: 1, md: 3 }} gap="200">
              <NumberField label="Tier" value={rule.tier} onChange={(value) => setChannel(index, (r) => withField(r, "tier", value))} error={errors.get(`${path}.tier`)} helpText="1 = highest priority" />
              <Select
                label="Allocation"
                options={SHARE_OPTIONS}
                value={share}
                onChange={(next) =>
                  setChannel(index, (r) => {
                    const cleared = withField(withField(r, "allocationPercent", undefined), "fixedUnits", undefined);
                    return next === "percent" ? { ...cleared, allocationPercent: 50 } : next === "fixed" ? { ...cleared, fixedUnits: 10 } : cleared;
                  })
                }
              />
              {share === "percent" ? (
                <NumberField label="Percent of the pool" value={rule.allocationPercent} onChange={(value) => setChannel(index, (r) => withField(r, "allocationPercent", value))} error={errors.get(`${path}.allocationPercent`)} />
              ) : share === "fixed" ? (
                <NumberField label="Fixed units" value={rule.fixedUnits} onChange={(value) => setChannel(index, (r) => withField(r, "fixedUnits", value))} error={errors.get(`${path}.fixedUnits`)} />
              ) : (
                <Box />
              )}
              <NumberField label="Cap (units)" value={rule.maxUnits} onChange={(value) => setChannel(index, (r) => withField(r, "maxUnits", value))} error={errors.get(`${path}.maxUnits`)} />
              <NumberField label="Network minimum" value={rule.networkMinimum} onChange={(value) => setChannel(index, (r) => withField(r, "networkMinimum", value))} error={errors.get(`${path}.networkMinimum`)} helpText="The last units never shown here" />
              <RingFenceFields rule={rule} path={path} errors={errors} update={(change) => setChannel(index, change)} />
              <NumberField label="Pause below (units)" value={rule.pauseBelow} onChange={(value) => setChannel(index, (r) => withField(r, "pauseBelow", value))} error={errors.get(`${path}.pauseBelow`)} />
              <NumberField
                label="Alert below (units)"
                value={rule.alertBelow}
                onChange={(value) => setChannel(index, (r) => withField(r, "alertBelow", value))}
                error={errors.get(`${path}.alertBelow`)}
                helpText="Starts your Shopify Flow low-stock workflows; empty uses Pause below"
              />
              <NumberField label="0 while the pool is under" value={rule.reserveForHigherTiersBelow} onChange={(value) => setChannel(index, (r) => withField(r, "reserveForHigherTiersBelow", value))} error={errors.get(`${path}.reserveForHigherTiersBelow`)} helpText="Keeps low stock for higher tiers" />
            </InlineGrid>
            <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
              <legend>
                <Text as="span" variant="bodyMd">
                  Draws from {drawsFrom ? "these locations" : "every location"}
                </Text>
              </legend>
              <InlineStack gap="300">
                {locations.map((location) => (
                  <Checkbox
                    key={location}
                    label={location}
                    // The check's problem for this location (e.g. it cannot fill this channel's orders), beside its box.
                    error={drawsFrom && drawsFrom.includes(location) ? errors.get(`${path}.locations[${drawsFrom.indexOf(location)}]`) : undefined}
                    checked={drawsFrom ? drawsFrom.includes(location) : true}
                    onChange={(checked) =>
                      setChannel(index, (r) => {
                        const current = Array.isArray(r.locations) ? (r.locations as string[]) : locations;
                        const next = checked ? [...current, location] : current.filter((name) => name !== location);
                        return withField(r, "locations", next.length === locations.length ? undefined : next);
                      })
                    }
                  />
                ))}
              </InlineStack>
              {listErrors(errors, `${path}.locations`, drawsFrom, locations) && (
                <Text as="p" tone="critical">
                  {listErrors(errors, `${path}.locations`, drawsFrom, locations)}
                </Text>
              )}
            </fieldset>
          </RuleRow>
        );
      })}
      {unruled.length > 0 && (
        <InlineStack gap="200">
          {unruled.map((channel) => (
            <Button key={channel.handle} onClick={() => onChange({ ...draft, channels: [...rules, { channel: channel.handle, tier: rules.length + 1 }] })}>
              {`Add rules for ${channel.name}`}
            </Button>
          ))}
        </InlineStack>
      )}
    </Section>
  );
}
