/**
 * `include_fields` on a webhook subscription: "When include_fields are provided, only the
 * specified fields will be included in the webhook payload"; nested fields are named with a
 * period ("variants.price") (shopify.dev/docs/apps/build/webhooks/customize/modify-payloads).
 * A path through an array applies to each of its elements; a path that ends at an object or an
 * array keeps it whole; a field the payload lacks is left out [unconfirmed: no recorded payload
 * with a missing included field].
 */
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value) && typeof value !== "bigint";

interface FieldTree {
  [key: string]: FieldTree | true;
}

function fieldTree(fields: readonly string[]): FieldTree {
  const tree: FieldTree = {};
  for (const field of fields) {
    let node = tree;
    const parts = field.split(".").map((part) => part.trim()).filter(Boolean);
    for (const [i, part] of parts.entries()) {
      if (node[part] === true) break; // a parent already kept whole
      if (i === parts.length - 1) node[part] = true;
      else node = (node[part] as FieldTree | undefined) ?? (node[part] = {});
    }
  }
  return tree;
}

function project(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((element) => project(element, tree));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, sub] of Object.entries(tree)) {
    if (!(key in value)) continue;
    out[key] = sub === true ? value[key] : project(value[key], sub);
  }
  return out;
}

/** The payload as a subscription with these `include_fields` receives it; undefined or empty: whole. */
export function includeFields(payload: unknown, fields: readonly string[] | undefined): unknown {
  if (!fields || fields.length === 0) return payload;
  return project(payload, fieldTree(fields));
}
