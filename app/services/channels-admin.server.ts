/**
 * The Channels page: every sales channel with its rule (tier, allocation, cap, network minimum,
 * pause threshold, the locations it draws from) and its current state; a manual pause or resume
 * with the merchant's reason. A pause is a policy change (`paused: true` on the channel's rule),
 * published as a new version through the normal policy service, so the engine, the writes to
 * Shopify (0 on the channel, products unpublished where Safestock owns that) and the audit all
 * follow the usual path. The reason is audited with the channel. The refresh window
 * (`refreshSeconds`: how often a connector re-reads the channel's number, docs/policy.md § 4) and
 * the ring fence (`ringFenceUnits`: units only this channel may sell) are set here the same way:
 * a new policy version.
 */
import { editableDraft, type ChannelRule, type Policy } from "~/domain";
import { channelPausedTrigger } from "~/domain/flow";
import { channelStateTotals, recentChannelPauses } from "~/models/dashboard-read.server";
import { recordAudit, type AuditActor } from "~/models/audit.server";
import { listChannels, listLocations } from "~/models/catalog.server";
import { getPolicyDraft, savePolicyDraft } from "~/models/policy-draft.server";
import { currentPolicy } from "~/models/policy.server";
import { enqueueFlowTriggers } from "./flow-triggers.server";
import { publishPolicy, type PublishPolicyResult } from "./policy.server";
import { EMPTY_POLICY } from "./sync-context.server";

export const MAX_REASON_LENGTH = 500;

function allocationText(rule: ChannelRule | undefined): string {
  if (rule?.allocationPercent !== undefined) return `${rule.allocationPercent}% of the pool`;
  if (rule?.fixedUnits !== undefined) return `${rule.fixedUnits} units`;
  return "Shares the whole pool";
}

export async function loadChannelsPage(shop: string) {
  const [channels, locations, policy, states, lastPauses] = await Promise.all([
    listChannels(shop),
    listLocations(shop),
    currentPolicy(shop),
    channelStateTotals(shop),
    recentChannelPauses(shop),
  ]);
  const rules = new Map(((policy?.document as Policy | undefined)?.channels ?? []).map((rule) => [rule.channel, rule]));
  return {
    version: policy?.version ?? null,
    channels: channels.map((channel) => {
      const rule = rules.get(channel.handle);
      const rows = states.filter((state) => state.channel === channel.handle);
      const pausedVariants = rows.find((row) => row.paused)?._count._all ?? 0;
      const sellingUnits = rows.reduce((sum, row) => sum + (row._sum.available ?? 0), 0);
      const lastPause = lastPauses.find((entry) => entry.channel === channel.handle);
      const drawsFrom = rule?.locations?.length ? rule.locations.join(", ") : "Every location";
      return {
        handle: channel.handle,
        name: channel.name,
        tier: rule?.tier ?? null,
        allocation: allocationText(rule),
        cap: rule?.maxUnits ?? null,
        networkMinimum: rule?.networkMinimum ?? null,
        refreshSeconds: rule?.refreshSeconds ?? null,
        ringFenceUnits: rule?.ringFenceUnits ?? null,
        /** A reserve that sizes itself (docs/decisions/032): ringFenceUnits is then its cap. */
        ringFenceSized: rule?.ringFenceSizing === "measured",
        pauseBelow: rule?.pauseBelow ?? null,
        reserveBelow: rule?.reserveForHigherTiersBelow ?? null,
        drawsFrom,
        pausedByMerchant: rule?.paused === true,
        pausedVariants,
        sellingUnits,
        /** Why the channel is (partly) paused, in the merchant's words. */
        state:
          rule?.paused === true
            ? `Paused by the merchant${lastPause ? `: ${lastPause.reason}` : ""}`
            : pausedVariants > 0
              ? rule?.pauseBelow !== undefined
                ? `${pausedVariants} variant${pausedVariants === 1 ? "" : "s"} paused: under the threshold of ${rule.pauseBelow}`
                : `${pausedVariants} variant${pausedVariants === 1 ? "" : "s"} paused while webhooks recover`
              : "Selling",
      };
    }),
    locations: locations.map((location) => location.name),
  };
}

/** The fields this page sets; a field given as undefined is removed from the rule. */
type PageFields = Partial<Pick<ChannelRule, "paused" | "refreshSeconds" | "ringFenceUnits">>;

/** The document with some fields of one channel's rule set (a rule is added) or removed (undefined). */
function withChannelFields(document: Policy, channel: string, fields: PageFields): Policy {
  const channels = document.channels ?? [];
  const apply = (rule: Record<string, unknown>) => {
    const next: Record<string, unknown> = { ...rule };
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) delete next[field];
      else next[field] = value;
    }
    return next as unknown as ChannelRule;
  };
  const exists = channels.some((rule) => rule.channel === channel);
  const adds = Object.values(fields).some((value) => value !== undefined);
  const next = exists
    ? channels.map((rule) => (rule.channel === channel ? apply({ ...rule }) : rule))
    : adds
      ? [...channels, apply({ channel })]
      : channels;
  return { ...document, channels: next };
}


export type PauseResult = PublishPolicyResult;

/**
 * Publishes some fields of one channel's rule as a new version. An open draft gets the same change,
 * so publishing it later does not silently undo this one.
 */
async function publishChannelFields(
  shop: string,
  handle: string,
  fields: PageFields,
  { createdBy, note, actor = "merchant" }: { createdBy: string; note: string; actor?: AuditActor },
): Promise<PublishPolicyResult> {
  const current = await currentPolicy(shop);
  const document = withChannelFields((current?.document as Policy | undefined) ?? EMPTY_POLICY, handle, fields);
  const result = await publishPolicy(shop, document, { createdBy, note, actor });
  if (!result.ok) return result;
  const draft = await getPolicyDraft(shop);
  // A draft saved mid-edit that is no list of rules is left as the merchant typed it: the change is
  // published, and that draft cannot be previewed or published until it is fixed anyway.
  const editable = draft ? editableDraft(draft.document) : null;
  if (editable) {
    await savePolicyDraft(shop, { document: withChannelFields(editable, handle, fields), basedOnVersion: result.version, updatedBy: createdBy });
  }
  return result;
}

async function channelNamed(shop: string, handle: string) {
  return (await listChannels(shop)).find((entry) => entry.handle === handle);
}

const unknownChannel = (handle: string): PublishPolicyResult => ({ ok: false, problems: [{ path: "channel", message: `unknown channel "${handle}"` }] });

/**
 * Pauses or resumes one channel now, with a required reason; the merchant's Flow workflows hear of
 * it through the "Sales channel paused or resumed" trigger (docs/decisions/035-shopify-flow.md).
 */
export async function setChannelPaused(
  shop: string,
  input: { channel: string; paused: boolean; reason: string },
  { createdBy, actor = "merchant" }: { createdBy: string; actor?: AuditActor },
): Promise<PauseResult> {
  const reason = input.reason.trim();
  if (!reason) return { ok: false, problems: [{ path: "reason", message: "say why, e.g. “marketplace listing under review”" }] };
  if (reason.length > MAX_REASON_LENGTH) return { ok: false, problems: [{ path: "reason", message: `is too long (at most ${MAX_REASON_LENGTH} characters)` }] };
  const channel = await channelNamed(shop, input.channel);
  if (!channel) return unknownChannel(input.channel);
  const verb = input.paused ? "Paused" : "Resumed";
  const result = await publishChannelFields(shop, channel.handle, { paused: input.paused ? true : undefined }, { createdBy, note: `${verb} ${channel.name}: ${reason}`, actor });
  if (!result.ok) return result;
  await recordAudit(shop, [{ subject: "channel_pause", channel: channel.handle, ruleVersion: result.version, reason, actor }]);
  const trigger = channelPausedTrigger({ channelName: channel.name, channel: channel.handle, paused: input.paused, reason, policyVersion: result.version });
  await enqueueFlowTriggers(shop, [{ key: `pause:${result.version}`, trigger }]);
  return result;
}

/** A form number: empty → undefined (remove); a non-number goes to the engine as typed, so its message names what the merchant wrote. */
function formNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return (trimmed === "" ? undefined : Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed) as number | undefined;
}

/**
 * Sets (or, with an empty value, removes) how often the channel re-reads its number and, when the
 * form sends it, its ring fence; the engine validates both ("must be a positive number of
 * seconds …", "must be a whole number of units …"). An absent `ringFenceUnits` leaves the fence as is.
 */
export async function setChannelRefresh(
  shop: string,
  input: { channel: string; refreshSeconds: string; ringFenceUnits?: string },
  { createdBy }: { createdBy: string },
): Promise<PublishPolicyResult> {
  const channel = await channelNamed(shop, input.channel);
  if (!channel) return unknownChannel(input.channel);
  const refreshSeconds = formNumber(input.refreshSeconds);
  const notes = [refreshSeconds === undefined ? `${channel.name}: no refresh window` : `${channel.name} re-reads its listing every ${input.refreshSeconds.trim()} s`];
  if (input.ringFenceUnits === undefined) return publishChannelFields(shop, channel.handle, { refreshSeconds }, { createdBy, note: notes[0]! });
  const ringFenceUnits = formNumber(input.ringFenceUnits);
  notes.push(ringFenceUnits ? `${input.ringFenceUnits.trim()} units ring-fenced for it` : "no ring fence");
  return publishChannelFields(shop, channel.handle, { refreshSeconds, ringFenceUnits }, { createdBy, note: notes.join("; ") });
}
