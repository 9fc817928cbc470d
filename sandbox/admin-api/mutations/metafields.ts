/**
 * metafieldsSet (docs/decisions/016 §11). Atomic: any userError → `metafields: []` and no
 * change (26+ inputs → `metafields: null`). `compareDigest` gives compare-and-swap:
 * matching → update + new digest; stale → STALE_OBJECT; a digest for a row that does not
 * exist → INVALID_COMPARE_DIGEST; null on create is accepted. `$app:` namespaces resolve to
 * `app--<apiClientId>--x`; another app's namespace → APP_NOT_AUTHORIZED.
 */
import { createHash } from "node:crypto";
import type { MetafieldRecord } from "../../contract.js";
import { gid } from "../../shop/ids.js";
import { metafieldKey, nextLegacyId } from "../../shop/state.js";
import type { ApiContext } from "../context.js";
import { defineType, type Args, type ResolverMap } from "../resolvers/common.js";
import { resolveNamespace } from "../resolvers/metafields.js";
import { findNode } from "../resolvers/node.js";

interface UserError {
  field: string[];
  message: string;
  code: string;
  elementIndex: number | null;
}

const OWNER_TYPES = ["Product", "ProductVariant", "Shop", "Location", "Order"];

/** Every type Shopify documents for metafields (shopify.dev/docs/apps/build/custom-data/metafields/list-of-data-types), scalars and lists. */
const BASE_TYPES = [
  "boolean", "color", "date", "date_time", "dimension", "id", "json", "link", "money", "multi_line_text_field", "number_decimal", "number_integer",
  "rating", "rich_text_field", "single_line_text_field", "url", "volume", "weight", "collection_reference", "file_reference", "metaobject_reference",
  "mixed_reference", "page_reference", "product_reference", "variant_reference", "customer_reference", "company_reference",
];
const LISTABLE = new Set(["color", "date", "date_time", "dimension", "id", "link", "metaobject_reference", "mixed_reference", "number_decimal", "number_integer", "rating", "single_line_text_field", "url", "volume", "weight", "collection_reference", "file_reference", "page_reference", "product_reference", "variant_reference", "customer_reference", "company_reference"]);

function validType(t: string): boolean {
  return BASE_TYPES.includes(t) || (t.startsWith("list.") && LISTABLE.has(t.slice(5)));
}

function validValue(type: string, value: string): string | null {
  switch (type) {
    case "number_integer":
      return /^-?\d+$/.test(value) ? null : "Value must be an integer.";
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value) ? null : "Value must be a decimal.";
    case "boolean":
      return value === "true" || value === "false" ? null : "Value must be true or false.";
    case "json":
      try {
        JSON.parse(value);
        return null;
      } catch {
        return "Value is invalid JSON.";
      }
    default:
      if (type.startsWith("list.")) {
        try {
          return Array.isArray(JSON.parse(value)) ? null : "Value must be an array.";
        } catch {
          return "Value is invalid JSON.";
        }
      }
      return null;
  }
}

/**
 * Value size limits (shopify.dev/docs/apps/build/metafields/metafield-limits: "Most metafield types
 * have a 64KB (65,536 bytes) size limit", `id` and `url` 2KB, `json` 128KB — the last since 2026-04,
 * shopify.dev/changelog/reduced-metafield-value-sizes; the 2 MB grandfathering of apps that wrote
 * larger JSON before 2026-04-01 is not emulated: stricter). A list is checked as a whole against its
 * item type's limit [inferred; the page gives per-item limits, so this is stricter].
 * The answer: code TOO_LONG ("The input value is too long.", MetafieldsSetUserErrorCode) at
 * ["metafields", i, "value"] [inferred: no recorded answer; message wording ours].
 */
const KB = 1024;
export function metafieldValueLimit(type: string): number {
  const base = type.startsWith("list.") ? type.slice(5) : type;
  if (base === "json") return 128 * KB;
  if (base === "id" || base === "url") return 2 * KB;
  return 64 * KB;
}

/** Chained on the previous digest, so every write (even of the same value) yields a new one. */
function digestOf(m: Omit<MetafieldRecord, "compareDigest">, previous = ""): string {
  return createHash("sha256").update(JSON.stringify([previous, m.id, m.namespace, m.key, m.type, m.value, m.updatedAt])).digest("hex");
}

function perform(ctx: ApiContext, args: Args) {
  const inputs = args.metafields as { ownerId: string; namespace?: string | null; key: string; type?: string | null; value: string; compareDigest?: string | null }[];
  if (inputs.length > 25) {
    return { metafields: null, userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null }] };
  }
  const errors: UserError[] = [];
  const ourPrefix = `app--${ctx.apiClientId}`;
  const resolved = inputs.map((m, i) => {
    const err = (field: string[], message: string, code: string) => errors.push({ field: ["metafields", String(i), ...field], message, code, elementIndex: i });
    const namespace = resolveNamespace(m.namespace, ctx.apiClientId);
    if (namespace.startsWith("app--") && namespace !== ourPrefix && !namespace.startsWith(`${ourPrefix}--`)) {
      err(["namespace"], "Access to this namespace and key on Metafields for this resource type is not allowed.", "APP_NOT_AUTHORIZED");
    }
    const ownerType = m.ownerId.split("/")[3] ?? "";
    const owner = OWNER_TYPES.includes(ownerType) ? findNode(ctx.state, m.ownerId) : null;
    if (!owner) err(["ownerId"], "Owner does not exist.", "INVALID");
    if (m.key.length < 2 || m.key.length > 64) err(["key"], "Key is too short or too long.", m.key.length < 2 ? "TOO_SHORT" : "TOO_LONG");
    const existing = ctx.state.metafieldIndex.get(metafieldKey(m.ownerId, namespace, m.key));
    const type = m.type ?? existing?.type;
    if (!type) err(["type"], "Type can't be blank", "BLANK");
    else if (!validType(type)) err(["type"], `Type '${type}' is not a valid metafield type.`, "INVALID_TYPE");
    else {
      const bad = validValue(type, m.value);
      const bytes = Buffer.byteLength(m.value, "utf8");
      const limit = metafieldValueLimit(type);
      if (bad) err(["value"], bad, "INVALID_VALUE");
      else if (bytes > limit) err(["value"], `Value is too long: ${bytes} bytes exceeds the limit of ${limit} bytes for type ${type}.`, "TOO_LONG");
    }
    if (m.compareDigest !== null && m.compareDigest !== undefined) {
      if (!existing) errors.push({ field: ["metafields", String(i)], message: "Invalid `compareDigest` value.", code: "INVALID_COMPARE_DIGEST", elementIndex: i });
      else if (existing.compareDigest !== m.compareDigest) {
        errors.push({ field: ["metafields", String(i)], message: "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.", code: "STALE_OBJECT", elementIndex: i });
      }
    }
    return { ...m, namespace, type: type ?? "" };
  });
  if (errors.length) return { metafields: [], userErrors: errors };
  const at = ctx.now();
  const out: MetafieldRecord[] = [];
  ctx.requestLog?.metafieldOwners?.push(...resolved.map((m) => m.ownerId));
  // The same namespace+key twice: both are applied in order, both returned with the same id.
  for (const m of resolved) {
    const k = metafieldKey(m.ownerId, m.namespace, m.key);
    const existing = ctx.state.metafieldIndex.get(k);
    if (existing) {
      existing.value = m.value;
      existing.type = m.type;
      existing.updatedAt = at;
      existing.compareDigest = digestOf(existing, existing.compareDigest);
      out.push(structuredClone(existing));
    } else {
      const legacy = nextLegacyId(ctx.state, "Metafield");
      const base = { id: gid("Metafield", legacy), ownerId: m.ownerId, namespace: m.namespace, key: m.key, type: m.type, value: m.value, createdAt: at, updatedAt: at };
      const rec: MetafieldRecord = { ...base, compareDigest: digestOf(base) };
      ctx.state.metafields.set(rec.id, rec);
      ctx.state.metafieldIndex.set(k, rec);
      out.push(structuredClone(rec));
    }
  }
  return { metafields: out, userErrors: [] };
}

export const metafieldMutations: ResolverMap = {
  Mutation: defineType<unknown>({
    metafieldsSet: (_s, args, ctx) => perform(ctx, args),
  }),
};
