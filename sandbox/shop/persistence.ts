/**
 * Persisting the emulated shop between runs of `npm run sandbox`: the app keeps its offline token,
 * products and levels in SQLite, so the shop it talks to must keep them too (a shop that forgot
 * the token answers 401 to every call; Shopify never forgets an installed app's token).
 *
 * The codec is generic on purpose: it serialises whatever `ShopState` holds (Maps, Sets, Dates,
 * plain records) without knowing its fields, so fields added to ./state.ts need no change here.
 * Objects reachable along several paths (a level is in `levels`, `levelsById` and
 * `levelsByItem`) stay one object after a round trip, so the indexes keep pointing at the records.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Serialises a graph of plain values to JSON-able data, keeping shared references. */
export function encodeGraph(root: unknown): Encoded {
  // Pass 1: which containers are reached more than once.
  const seen = new Set<object>();
  const shared = new Set<object>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object" || value instanceof Date) return;
    if (seen.has(value)) {
      shared.add(value);
      return;
    }
    seen.add(value);
    if (value instanceof Map) {
      for (const [k, v] of value) {
        visit(k);
        visit(v);
      }
    } else if (value instanceof Set || Array.isArray(value)) for (const v of value as Iterable<unknown>) visit(v);
    else for (const v of Object.values(value)) visit(v);
  };
  visit(root);

  // Pass 2: emit, naming shared containers on first sight and referring to them afterwards.
  const ids = new Map<object, number>();
  const encode = (value: unknown, at: string): Encoded => {
    if (value === undefined) return { $undef: 1 };
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return Number.isFinite(value) ? value : { $num: String(value) };
    if (typeof value !== "object") throw new Error(`cannot persist ${typeof value} at ${at}`);
    if (value instanceof Date) return { $date: value.toISOString() };
    const known = ids.get(value);
    if (known !== undefined) return { $ref: known };
    const tag: { [key: string]: Encoded } = {};
    if (shared.has(value)) {
      tag.$id = ids.size;
      ids.set(value, ids.size);
    }
    if (value instanceof Map) return { ...tag, $map: [...value].map(([k, v], i) => [encode(k, `${at}<key ${i}>`), encode(v, `${at}.get(${String(k)})`)]) };
    if (value instanceof Set) return { ...tag, $set: [...value].map((v, i) => encode(v, `${at}<${i}>`)) };
    if (Array.isArray(value)) {
      const items = value.map((v, i) => encode(v, `${at}[${i}]`));
      return tag.$id === undefined ? items : { ...tag, $array: items };
    }
    if (!isPlainObject(value)) throw new Error(`cannot persist a ${value.constructor?.name ?? "class"} instance at ${at}: keep shop state to plain records`);
    const fields: { [key: string]: Encoded } = {};
    for (const [k, v] of Object.entries(value)) fields[k] = encode(v, `${at}.${k}`);
    const needsWrapper = tag.$id !== undefined || Object.keys(fields).some((k) => k.startsWith("$"));
    return needsWrapper ? { ...tag, $object: fields } : fields;
  };
  return encode(root, "state");
}

/** The inverse of `encodeGraph`. */
export function decodeGraph(data: Encoded): unknown {
  const byId = new Map<number, unknown>();
  const decode = (value: Encoded): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(decode);
    if ("$ref" in value) {
      if (!byId.has(value.$ref as number)) throw new Error(`persisted shop refers to unknown object ${String(value.$ref)}`);
      return byId.get(value.$ref as number);
    }
    if ("$undef" in value) return undefined;
    if ("$num" in value) return Number(value.$num);
    if ("$date" in value) return new Date(value.$date as string);
    const register = <T>(container: T): T => {
      if (typeof value.$id === "number") byId.set(value.$id, container);
      return container;
    };
    if ("$map" in value) {
      const map = register(new Map<unknown, unknown>());
      for (const [k, v] of value.$map as [Encoded, Encoded][]) map.set(decode(k), decode(v));
      return map;
    }
    if ("$set" in value) {
      const set = register(new Set<unknown>());
      for (const v of value.$set as Encoded[]) set.add(decode(v));
      return set;
    }
    if ("$array" in value) {
      const array = register([] as unknown[]);
      for (const v of value.$array as Encoded[]) array.push(decode(v));
      return array;
    }
    const fields = ("$object" in value ? value.$object : value) as { [key: string]: Encoded };
    const object = register({} as Record<string, unknown>);
    for (const [k, v] of Object.entries(fields)) {
      const decoded = decode(v);
      if (decoded !== undefined || (v && typeof v === "object" && "$undef" in v)) object[k] = decoded;
    }
    return object;
  };
  return decode(data);
}

/**
 * A restored state from an older sandbox may lack fields added since: take them (one level deep,
 * e.g. a new id counter in `nextIds`) from a freshly created state.
 */
export function fillMissingFields<T extends object>(restored: T, fresh: T): T {
  const target = restored as Record<string, unknown>;
  for (const [key, value] of Object.entries(fresh)) {
    if (!(key in target)) {
      target[key] = value;
      continue;
    }
    const existing = target[key];
    if (value && typeof value === "object" && isPlainObject(value) && existing && typeof existing === "object" && isPlainObject(existing)) {
      for (const [sub, subValue] of Object.entries(value)) if (!(sub in existing)) (existing as Record<string, unknown>)[sub] = subValue;
    }
  }
  return restored;
}

export const PERSISTED_FORMAT = "safestock-sandbox-shops/1";

/** What the sandbox writes next to the app's SQLite file: every shop's exported state by domain. */
export interface PersistedSandbox {
  format: typeof PERSISTED_FORMAT;
  savedAt: string;
  shops: Record<string, unknown>;
}

/** Reads a persisted sandbox; null when the file does not exist. Throws on anything unreadable. */
export function readPersistedSandbox(file: string): PersistedSandbox | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<PersistedSandbox>;
  if (parsed.format !== PERSISTED_FORMAT || !parsed.shops || typeof parsed.shops !== "object") {
    throw new Error(`${file} is not a persisted sandbox (format ${String(parsed.format)}, expected ${PERSISTED_FORMAT})`);
  }
  return parsed as PersistedSandbox;
}

/** Writes atomically (temp file + rename), so a crash mid-write never leaves half a shop. */
export function writePersistedSandbox(file: string, shops: Record<string, unknown>, savedAt: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const body: PersistedSandbox = { format: PERSISTED_FORMAT, savedAt, shops };
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(body));
  renameSync(temp, file);
}

/**
 * Saves at most once per `delayMs` after a change (`schedule`), and at once on `flush` (exit).
 */
export function createDebouncedSaver(save: () => void, delayMs = 500) {
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    save();
  };
  return {
    schedule() {
      dirty = true;
      if (!timer) {
        timer = setTimeout(flush, delayMs);
        timer.unref?.();
      }
    },
    flush,
  };
}
