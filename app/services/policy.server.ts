import type { Problem, Policy } from "~/domain";
import { recordAudit } from "~/models/audit.server";
import { currentPolicy, insertPolicyVersion, policyVersion } from "~/models/policy.server";
import { enqueueReconcile } from "./jobs.server";
import { checkPolicyForShop } from "./policy-check.server";

export type PublishPolicyResult = { ok: true; version: number } | { ok: false; problems: readonly Problem[] };

/**
 * Publishes a policy file (format v1, docs/policy.md) as the shop's whole policy: checked by the
 * one policy check against the shop's catalog and locations (every problem is listed), stored as a
 * new numbered version, and applied by a reconciliation run through the normal write path.
 * An invalid policy changes nothing. The UI and `npm run policy:apply` both come here.
 */
export async function publishPolicy(
  shop: string,
  document: unknown,
  { createdBy, note = null }: { createdBy: string; note?: string | null },
): Promise<PublishPolicyResult> {
  const validation = await checkPolicyForShop(shop, document);
  if (!validation.ok) return { ok: false, problems: validation.problems };

  const version = await insertPolicyVersion(shop, validation.value, createdBy, note);
  await recordAudit(shop, [
    { subject: "policy", ruleVersion: version, reason: note ? `Published policy v${version}: ${note}` : `Published policy v${version}`, actor: "merchant" },
  ]);
  await enqueueReconcile(shop, "policy");
  return { ok: true, version };
}

export async function exportPolicy(shop: string): Promise<{ version: number; document: Policy } | null> {
  const stored = await currentPolicy(shop);
  return stored && { version: stored.version, document: stored.document as Policy };
}

/**
 * Rollback: an earlier version becomes the policy in force again, as a new version (history is
 * never rewritten). It is validated against today's catalog like any import, so a version that
 * names a location or SKU that no longer exists is refused with the reason.
 */
export async function rollbackPolicy(shop: string, version: number, { createdBy }: { createdBy: string }): Promise<PublishPolicyResult> {
  // A version comes from a form field: "abc" or "1e99" is a clear problem, not a database error.
  if (!Number.isSafeInteger(version) || version < 1) return { ok: false, problems: [{ path: "version", message: "must be a version number (1, 2, …)" }] };
  const stored = await policyVersion(shop, version);
  if (!stored) return { ok: false, problems: [{ path: "version", message: `v${version} does not exist` }] };
  return publishPolicy(shop, stored.document, { createdBy, note: `Rollback to v${version}` });
}
