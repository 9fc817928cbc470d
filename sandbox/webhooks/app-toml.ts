/**
 * A tiny parser for the subset of `shopify.app.toml` the sandbox needs:
 *
 *   client_id = "..."            application_url = "..."
 *   [access_scopes] scopes = "read_products,write_inventory"
 *   [webhooks] api_version = "2026-10"
 *   [[webhooks.subscriptions]]
 *   topics = ["orders/create", "orders/updated"]
 *   compliance_topics = ["customers/redact"]
 *   uri = "/webhooks/orders"
 *
 * Supported values: basic and literal strings, booleans, integers, and (possibly multi-line)
 * arrays of those. Inline tables, dotted keys and dates are not supported and are skipped.
 * (TOML spec: toml.io/en/v1.0.0; app config: shopify.dev/docs/apps/build/cli-for-apps/app-configuration)
 */

export interface AppTomlSubscription {
  topics: string[];
  complianceTopics: string[];
  uri: string;
  filter?: string;
  includeFields?: string[];
}

export interface AppToml {
  clientId?: string;
  name?: string;
  handle?: string;
  applicationUrl?: string;
  embedded?: boolean;
  scopes: string[];
  webhooksApiVersion?: string;
  subscriptions: AppTomlSubscription[];
}

/** One delivery target: the dispatcher's unit of subscription. */
export interface TopicSubscription {
  topic: string;
  uri: string;
  /** The subscription's `include_fields`, when it has any. */
  includeFields?: string[];
}

type TomlValue = string | number | boolean | TomlValue[];
type Table = Record<string, TomlValue>;

function stripComment(line: string): string {
  let inStr: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inStr) {
      if (c === "\\" && inStr === '"') i++;
      else if (c === inStr) inStr = null;
    } else if (c === '"' || c === "'") inStr = c;
    else if (c === "#") return line.slice(0, i);
  }
  return line;
}

function bracketDepth(s: string): number {
  let depth = 0;
  let inStr: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === "\\" && inStr === '"') i++;
      else if (c === inStr) inStr = null;
    } else if (c === '"' || c === "'") inStr = c;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
  }
  return depth;
}

function parseValue(src: string): TomlValue | undefined {
  const s = src.trim();
  let pos = 0;
  const skipWs = () => {
    while (pos < s.length && /[\s,]/.test(s[pos]!)) pos++;
  };
  const parseOne = (): TomlValue | undefined => {
    skipWs();
    const c = s[pos];
    if (c === '"') {
      let out = "";
      pos++;
      while (pos < s.length && s[pos] !== '"') {
        if (s[pos] === "\\") {
          const e = s[pos + 1];
          out += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : (e ?? "");
          pos += 2;
        } else out += s[pos++];
      }
      pos++;
      return out;
    }
    if (c === "'") {
      const end = s.indexOf("'", pos + 1);
      const out = s.slice(pos + 1, end);
      pos = end + 1;
      return out;
    }
    if (c === "[") {
      pos++;
      const arr: TomlValue[] = [];
      for (;;) {
        skipWs();
        if (pos >= s.length) return arr;
        if (s[pos] === "]") {
          pos++;
          return arr;
        }
        const v = parseOne();
        if (v === undefined) return undefined;
        arr.push(v);
      }
    }
    const m = /^(true|false|[+-]?\d[\d_]*)/.exec(s.slice(pos));
    if (!m) return undefined;
    pos += m[0].length;
    if (m[0] === "true") return true;
    if (m[0] === "false") return false;
    return Number(m[0].replace(/_/g, ""));
  };
  return parseOne();
}

/** Parse the subset into tables; `[[x]]` arrays keep one Table per block. */
function parseTables(text: string): { root: Table; tables: Map<string, Table>; arrays: Map<string, Table[]> } {
  const root: Table = {};
  const tables = new Map<string, Table>();
  const arrays = new Map<string, Table[]>();
  let current = root;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = stripComment(lines[i]!).trim();
    if (!line) continue;
    const arrHeader = /^\[\[\s*([^\]]+?)\s*\]\]$/.exec(line);
    if (arrHeader) {
      const name = arrHeader[1]!;
      const t: Table = {};
      if (!arrays.has(name)) arrays.set(name, []);
      arrays.get(name)!.push(t);
      current = t;
      continue;
    }
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      const name = header[1]!;
      if (!tables.has(name)) tables.set(name, {});
      current = tables.get(name)!;
      continue;
    }
    const kv = /^([A-Za-z0-9_-]+|"[^"]*")\s*=\s*(.*)$/.exec(line);
    if (!kv) continue; // unsupported syntax (dotted keys, ...): skipped
    let raw = kv[2]!;
    while (bracketDepth(raw) > 0 && i + 1 < lines.length) {
      line = stripComment(lines[++i]!);
      raw += "\n" + line;
    }
    const v = parseValue(raw);
    if (v !== undefined) current[kv[1]!.replace(/^"|"$/g, "")] = v;
  }
  return { root, tables, arrays };
}

const strings = (v: TomlValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
const str = (v: TomlValue | undefined): string | undefined => (typeof v === "string" ? v : undefined);

export function parseAppToml(text: string): AppToml {
  const { root, tables, arrays } = parseTables(text);
  const scopesRaw = str(tables.get("access_scopes")?.scopes);
  const result: AppToml = {
    scopes: scopesRaw ? scopesRaw.split(",").map((s) => s.trim()).filter(Boolean) : [],
    subscriptions: (arrays.get("webhooks.subscriptions") ?? []).map((t) => {
      const sub: AppTomlSubscription = {
        topics: strings(t.topics),
        complianceTopics: strings(t.compliance_topics),
        uri: str(t.uri) ?? "",
      };
      const filter = str(t.filter);
      if (filter !== undefined) sub.filter = filter;
      if (t.include_fields !== undefined) sub.includeFields = strings(t.include_fields);
      return sub;
    }),
  };
  const clientId = str(root.client_id);
  if (clientId !== undefined) result.clientId = clientId;
  const name = str(root.name);
  if (name !== undefined) result.name = name;
  const handle = str(root.handle);
  if (handle !== undefined) result.handle = handle;
  const appUrl = str(root.application_url);
  if (appUrl !== undefined) result.applicationUrl = appUrl;
  if (typeof root.embedded === "boolean") result.embedded = root.embedded;
  const apiVersion = str(tables.get("webhooks")?.api_version);
  if (apiVersion !== undefined) result.webhooksApiVersion = apiVersion;
  return result;
}

/**
 * Flatten subscriptions to (topic, absolute uri) pairs. Relative `uri`s ("/webhooks/x") are
 * resolved against `appUrl`; `pubsub://` and `arn:` uris are kept as-is (the dispatcher logs them
 * as undeliverable).
 */
export function topicSubscriptions(toml: AppToml, appUrl: string): TopicSubscription[] {
  const out: TopicSubscription[] = [];
  for (const s of toml.subscriptions) {
    if (!s.uri) continue;
    const uri = s.uri.startsWith("/") ? appUrl.replace(/\/+$/, "") + s.uri : s.uri;
    for (const topic of [...s.topics, ...s.complianceTopics]) out.push(s.includeFields?.length ? { topic, uri, includeFields: [...s.includeFields] } : { topic, uri });
  }
  return out;
}
