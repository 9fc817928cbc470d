/**
 * The app's Shopify Flow extensions, read from extensions/<name>/shopify.extension.toml as
 * `shopify app deploy` would deploy them: `flow_trigger` extensions (their `[[settings.fields]]`
 * are the payload flowTriggerReceive must send, https://shopify.dev/docs/apps/build/flow/triggers/reference)
 * `flow_action` extensions (their `runtime_url`, where Flow POSTs a run,
 * https://shopify.dev/docs/apps/build/flow/actions/reference) and the app's
 * `flow_trigger_lifecycle_callback` (its `url`, where Flow tells the app which triggers a shop's
 * workflows use, https://shopify.dev/docs/apps/build/flow/track-lifecycle-events; the CLI template
 * Shopify/extensions-templates flow-trigger-lifecycle-callback: name, handle, type, url).
 *
 * The parser reads the subset these files use: `[[extensions]]`, `[settings]`, `[[settings.fields]]`
 * tables of `key = "string" | true | false` lines and comments.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface FlowField {
  type: string;
  key: string;
  required: boolean;
}

export interface FlowExtension {
  type: "flow_trigger" | "flow_action" | "flow_trigger_lifecycle_callback";
  handle: string;
  name: string;
  /** flow_action only. */
  runtimeUrl: string | null;
  /** flow_trigger_lifecycle_callback only. */
  callbackUrl: string | null;
  fields: FlowField[];
}

type Table = Record<string, string | boolean>;

function parseExtensionToml(text: string): { extension: Table; fields: Table[] } {
  const extension: Table = {};
  const fields: Table[] = [];
  let current: Table | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line === "[[extensions]]") current = extension;
    else if (line === "[[settings.fields]]") fields.push((current = {}));
    else if (line.startsWith("[")) current = null;
    else if (current) {
      const match = /^([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(true|false))\s*(?:#.*)?$/.exec(line);
      if (match) current[match[1]!] = match[3] !== undefined ? match[3] === "true" : JSON.parse(`"${match[2]}"`) as string;
    }
  }
  return { extension, fields };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Every Flow extension under `dir` (default: the repository's extensions/), by handle. */
export function loadFlowExtensions(dir = path.join(repoRoot, "extensions")): Map<string, FlowExtension> {
  const found = new Map<string, FlowExtension>();
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name, "shopify.extension.toml");
    if (!existsSync(file)) continue;
    const { extension, fields } = parseExtensionToml(readFileSync(file, "utf8"));
    if (extension.type !== "flow_trigger" && extension.type !== "flow_action" && extension.type !== "flow_trigger_lifecycle_callback") continue;
    found.set(String(extension.handle), {
      type: extension.type,
      handle: String(extension.handle),
      name: String(extension.name),
      runtimeUrl: typeof extension.runtime_url === "string" ? extension.runtime_url : null,
      callbackUrl: extension.type === "flow_trigger_lifecycle_callback" && typeof extension.url === "string" ? extension.url : null,
      fields: fields.map((field) => ({ type: String(field.type), key: String(field.key), required: field.required === true })),
    });
  }
  return found;
}
