/**
 * The Channels page: every sales channel with its rule (tier, allocation, cap, network minimum,
 * pause threshold, the locations it draws from) and its current state; a manual pause or resume
 * with the merchant's reason. A pause is a policy change (`paused: true` on the channel's rule),
 * published as a new version through the normal policy service, so the engine, the writes to
 * Shopify (0 on the channel, products unpublished where Safestock owns that) and the audit all
 * follow the usual path. The reason is audited with the channel.
 */
import type { ChannelRule, Policy } from "~/domain";
import prisma from "~/db.server";
import { recordAudit } from "~/models/audit.server";
import { listChannels, listLocations } from "~/models/catalog.server";
import { getPolicyDraft, savePolicyDraft } from "~/models/policy-draft.server";
import { currentPolicy } from "~/models/policy.server";
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
    prisma.channelState.groupBy({ by: ["channel", "paused"], where: { shop }, _count: { _all: true }, _sum: { available: true } }),
    prisma.auditEntry.findMany({ where: { shop, subject: "channel_pause" }, orderBy: { createdAt: "desc" }, take: 200 }),
  ]);
  const rules = new Map(((policy?.document as Policy | undefined)?.channels ?? []).map((rule) => [rule.channel, rule]));
  return {
    version: policy?.version ?? null,
    channels: channels.map((channel) => {
      const rule = rules.get(channel.handle);
      const rows = states.filter((state) => state.channel === channel.handle);
      const pausedSkus = rows.find((row) => row.paused)?._count._all ?? 0;
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
        pauseBelow: rule?.pauseBelow ?? null,
        reserveBelow: rule?.reserveForHigherTiersBelow ?? null,
        drawsFrom,
        pausedByMerchant: rule?.paused === true,
        pausedSkus,
        sellingUnits,
        /** Why the channel is (partly) paused, in the merchant's words. */
        state:
          rule?.paused === true
            ? `Paused by the merchant${lastPause ? `: ${lastPause.reason}` : ""}`
            : pausedSkus > 0
              ? rule?.pauseBelow !== undefined
                ? `${pausedSkus} SKU${pausedSkus === 1 ? "" : "s"} paused: under the threshold of ${rule.pauseBelow}`
                : `${pausedSkus} SKU${pausedSkus === 1 ? "" : "s"} paused while webhooks recover`
              : "Selling",
      };
    }),
    locations: locations.map((location) => location.name),
  };
}

function withPaused(document: Policy, channel: string, paused: boolean): Policy {
  const channels = document.channels ?? [];
  const exists = channels.some((rule) => rule.channel === channel);
  const next = exists
    ? channels.map((rule) => {
        if (rule.channel !== channel) return rule;
        const { paused: _previous, ...rest } = rule; // eslint-disable-line @typescript-eslint/no-unused-vars
        return paused ? { ...rest, paused: true } : rest;
      })
    : paused
      ? [...channels, { channel, paused: true }]
      : channels;
  return { ...document, channels: next };
}

export type PauseResult = PublishPolicyResult;

/**
 * Pauses or resumes one channel now, with a required reason. An open draft gets the same change,
 * so publishing it later does not silently undo the pause.
 */
export async function setChannelPaused(
  shop: string,
  input: { channel: string; paused: boolean; reason: string },
  { createdBy }: { createdBy: string },
): Promise<PauseResult> {
  const reason = input.reason.trim();
  if (!reason) return { ok: false, problems: [{ path: "reason", message: "say why, e.g. “marketplace listing under review”" }] };
  if (reason.length > MAX_REASON_LENGTH) return { ok: false, problems: [{ path: "reason", message: `is too long (at most ${MAX_REASON_LENGTH} characters)` }] };
  const channels = await listChannels(shop);
  const channel = channels.find((entry) => entry.handle === input.channel);
  if (!channel) return { ok: false, problems: [{ path: "channel", message: `unknown channel "${input.channel}"` }] };

  const current = await currentPolicy(shop);
  const document = withPaused((current?.document as Policy | undefined) ?? EMPTY_POLICY, channel.handle, input.paused);
  const verb = input.paused ? "Paused" : "Resumed";
  const result = await publishPolicy(shop, document, { createdBy, note: `${verb} ${channel.name}: ${reason}` });
  if (!result.ok) return result;
  await recordAudit(shop, [{ subject: "channel_pause", channel: channel.handle, ruleVersion: result.version, reason, actor: "merchant" }]);
  const draft = await getPolicyDraft(shop);
  if (draft) {
    await savePolicyDraft(shop, { document: withPaused(draft.document as Policy, channel.handle, input.paused), basedOnVersion: result.version, updatedBy: createdBy });
  }
  return result;
}
