import { readPolicyText, type ChannelRule, type Policy, type Problem, type ProtectionRule } from "~/domain";
import { listChannels, listLocations } from "~/models/catalog.server";
import { currentPolicy, listPolicyVersionsPage } from "~/models/policy.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import { formatDateTime, type PageRequest } from "./display-view.server";
import { publishPolicy } from "./policy.server";

export interface RuleRow {
  kind: string;
  scope: string;
  units: string;
}

export interface ChannelRow {
  channel: string;
  tier: string;
  locations: string;
  share: string;
  limits: string;
}

const POLICY_VERSIONS_PAGE_SIZE = 25;

/**
 * The Policy page: the version in force as readable rows, one page of versions (newest first,
 * paged like Activity so every kept version can be rolled back to), and what a file may name.
 */
export async function loadPolicyPage(shop: string, page: PageRequest = { cursor: null, direction: "next" }) {
  const [policy, versionPage, locations, channels, timeZone] = await Promise.all([
    currentPolicy(shop),
    listPolicyVersionsPage(shop, { ...page, take: POLICY_VERSIONS_PAGE_SIZE }),
    listLocations(shop),
    listChannels(shop),
    shopTimeZone(shop),
  ]);
  const document = policy?.document as Policy | undefined;
  return {
    current: policy
      ? {
          version: policy.version,
          createdBy: policy.createdBy,
          createdAt: formatDateTime(policy.createdAt, timeZone),
          rules: (document?.protection ?? []).map((rule) => describeRule(rule, timeZone)),
          channels: (document?.channels ?? []).map(describeChannel),
        }
      : null,
    nextVersionsCursor: versionPage.nextCursor,
    previousVersionsCursor: versionPage.previousCursor,
    versions: versionPage.versions.map((version) => ({
      version: version.version,
      createdBy: version.createdBy,
      note: version.note,
      createdAt: formatDateTime(version.createdAt, timeZone),
    })),
    locations: locations.map((location) => location.name),
    channels: channels.map((channel) => channel.handle),
  };
}

export type ImportPolicyResult = { ok: true; version: number } | { ok: false; problems: Problem[] };

/**
 * The "Import policy" form: the pasted or dropped text → JSON → `publishPolicy`. A file that is
 * not JSON is refused like any invalid policy (a problem with a path), so the page has one way
 * to show what is wrong.
 */
export async function importPolicyText(
  shop: string,
  text: string,
  { createdBy, note }: { createdBy: string; note: string | null },
): Promise<ImportPolicyResult> {
  // An empty, oversized or too deeply nested text is refused before it is parsed.
  const read = readPolicyText(text, "policy");
  if (!read.ok) return { ok: false, problems: [...read.problems] };
  const result = await publishPolicy(shop, read.value, { createdBy, note });
  return result.ok ? result : { ok: false, problems: [...result.problems] };
}

function itemScope(rule: { sku?: string; product?: string; tag?: string }): string {
  if (rule.sku) return `SKU ${rule.sku}`;
  if (rule.product) return `product ${rule.product}`;
  if (rule.tag) return `tag ${rule.tag}`;
  return "every item";
}

function scopeText(rule: { location?: string; sku?: string; product?: string; tag?: string }): string {
  return `${itemScope(rule)} ${rule.location ? `at ${rule.location}` : "at every location"}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function describeRule(rule: ProtectionRule, timeZone: string): RuleRow {
  switch (rule.kind) {
    case "safety_stock":
      return { kind: "Safety stock", scope: scopeText(rule), units: plural(rule.units, "unit") };
    case "display":
      return { kind: "Display / sample", scope: scopeText(rule), units: plural(rule.units, "unit") };
    case "velocity_buffer": {
      const bounds = [rule.minUnits ? `at least ${rule.minUnits}` : null, rule.maxUnits !== undefined ? `at most ${rule.maxUnits}` : null].filter(Boolean);
      return {
        kind: "Velocity buffer",
        scope: scopeText(rule),
        units: `sales per minute × sync lag × ${rule.riskFactor ?? 1}${bounds.length ? ` (${bounds.join(", ")})` : ""}`,
      };
    }
    case "quarantine": {
      // In the shop's zone, as the Rules editor takes them (app/components/shop-clock.ts); the policy stores UTC.
      const waves = (rule.releases ?? []).map((wave) => `${wave.units} on ${formatDateTime(new Date(wave.at), timeZone)}`);
      return {
        kind: "Promotion quarantine",
        scope: `SKUs ${rule.skus.join(", ")}${rule.locations?.length ? ` from ${rule.locations.join(", ")}` : " across locations"}`,
        units: `${plural(rule.units, "unit")} each${waves.length ? `; released ${waves.join(", ")}` : ""}`,
      };
    }
    case "release_gate":
      return { kind: "Release gate", scope: scopeText(rule), units: "received units until approved" };
  }
}

function describeChannel(rule: ChannelRule): ChannelRow {
  const share =
    rule.paused ? "paused by the merchant"
    : rule.allocationPercent !== undefined ? `${rule.allocationPercent}% of the pool`
    : rule.fixedUnits !== undefined ? `fixed ${plural(rule.fixedUnits, "unit")}`
    : "shares the whole pool";
  const limits = [
    rule.ringFenceSizing === "measured"
      ? `keeps back what it sells between two reads (${rule.ringFenceMinUnits ? `${rule.ringFenceMinUnits} to ` : "up to "}${plural(rule.ringFenceUnits ?? 0, "unit")}) for it alone`
      : rule.ringFenceUnits ? `${plural(rule.ringFenceUnits, "unit")} ring-fenced for it alone` : null,
    rule.networkMinimum ? `never the last ${rule.networkMinimum}` : null,
    rule.refreshSeconds !== undefined ? `covers the other channels' sales over its ${rule.refreshSeconds}-s refresh` : null,
    rule.maxUnits !== undefined ? `at most ${rule.maxUnits}` : null,
    rule.reserveForHigherTiersBelow ? `0 when the pool is under ${rule.reserveForHigherTiersBelow}` : null,
    rule.pauseBelow ? `paused under ${rule.pauseBelow}` : null,
    rule.alertBelow !== undefined ? `Flow alert under ${rule.alertBelow}` : null,
  ].filter(Boolean);
  return {
    channel: rule.channel,
    tier: rule.tier !== undefined ? String(rule.tier) : "—",
    locations: rule.locations?.length ? rule.locations.join(", ") : "all locations",
    share,
    limits: limits.length ? limits.join("; ") : "—",
  };
}
