import type { Problem, Policy } from "~/domain";
import { protectionChangedTrigger } from "~/domain/flow";
import { recordAudit, type AuditActor } from "~/models/audit.server";
import { currentPolicy, insertPolicyVersion, policyVersion } from "~/models/policy.server";
import { enqueueReconcile } from "./jobs.server";
import { enqueueFlowTriggers } from "./flow-triggers.server";
import { checkPolicyForShop } from "./policy-check.server";

export type PublishPolicyResult = { ok: true; version: number } | { ok: false; problems: readonly Problem[] };

/**
 * Publishes a policy file (format v1, docs/policy.md) as the shop's whole policy: checked by the
 * one policy check against the shop's catalog and locations (every problem is listed), stored as a
 * new numbered version, and applied by a reconciliation run through the normal write path.
 * An invalid policy changes nothing. The UI, `npm run policy:apply` and Shopify Flow's actions
 * (`actor: "flow"`) all come here; every publish starts the "Stock protection changed" Flow trigger
 * (docs/decisions/035-shopify-flow.md).
 */
export async function publishPolicy(
  shop: string,
  document: unknown,
  { createdBy, note = null, actor = "merchant" }: { createdBy: string; note?: string | null; actor?: AuditActor },
): Promise<PublishPolicyResult> {
  const validation = await checkPolicyForShop(shop, document);
  if (!validation.ok) return { ok: false, problems: validation.problems };

  const version = await insertPolicyVersion(shop, validation.value, createdBy, note);
  const summary = note ? `Published policy v${version}: ${note}` : `Published policy v${version}`;
  await recordAudit(shop, [{ subject: "policy", ruleVersion: version, reason: summary, actor }]);
  await enqueueReconcile(shop, "policy");
  await enqueueFlowTriggers(shop, [{ key: `policy:${version}`, trigger: protectionChangedTrigger({ policyVersion: version, changedBy: createdBy, summary }) }]);
  return { ok: true, version };
}

export async function exportPolicy(shop: string): Promise<{ version: number; document: Policy } | null> {
  const stored = await currentPolicy(shop);
  return stored && { version: stored.version, document: stored.document as Policy };
}

/** A version comes from a form field: "abc" or "1e99" is a clear problem, not a database error. */
export function notAVersionNumber(version: number): Problem | null {
  return Number.isSafeInteger(version) && version >= 1 ? null : { path: "version", message: "must be a version number (1, 2, …)" };
}

/**
 * Rollback: an earlier version becomes the policy in force again, as a new version (history is
 * never rewritten). It is validated against today's catalog like any import, so a version that
 * names a location or SKU that no longer exists is refused with the reason.
 */
export async function rollbackPolicy(shop: string, version: number, { createdBy }: { createdBy: string }): Promise<PublishPolicyResult> {
  const notAVersion = notAVersionNumber(version);
  if (notAVersion) return { ok: false, problems: [notAVersion] };
  const stored = await policyVersion(shop, version);
  if (!stored) return { ok: false, problems: [{ path: "version", message: `v${version} does not exist` }] };
  return publishPolicy(shop, stored.document, { createdBy, note: `Rollback to v${version}` });
}
