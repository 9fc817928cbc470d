/**
 * Relay connections with opaque cursors, like Shopify's (base64 JSON carrying the last id):
 * `first/after`, `last/before`, `reverse`, `edges { cursor node }`, `nodes`, `pageInfo`.
 * Items come in id order (state maps are insertion = id ordered), so a cursor is the item's
 * integer key (a bigint: ids may lie beyond 2^53) and "after" means "key beyond", which stays correct if items are added or
 * removed between pages.
 */
import { GraphQLError } from "graphql";

export const CONNECTION_BRAND = Symbol("sandbox.connection");

export interface ConnectionResult<T> {
  [CONNECTION_BRAND]: true;
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

/** The key is written as JSON text, not through a number: ids beyond 2^53 stay exact. */
export function encodeCursor(key: bigint): string {
  return Buffer.from(`{"last_id":${key},"last_value":"${key}"}`).toString("base64");
}

function decodeCursor(cursor: string): bigint {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown; last_value?: unknown };
    // last_value is the exact key; last_id may have been rounded by JSON.parse.
    if (typeof parsed.last_value === "string" && /^-?\d+$/.test(parsed.last_value)) return BigInt(parsed.last_value);
    if (typeof parsed.last_id === "number" && Number.isSafeInteger(parsed.last_id)) return BigInt(parsed.last_id);
  } catch {
    // fall through
  }
  throw new GraphQLError("Invalid cursor for current pagination sort.", { extensions: { code: "BAD_REQUEST" } });
}

/** Shopify caps a page at 250 (shopify.dev/docs/api/usage/pagination-graphql). */
export const MAX_PAGE_SIZE = 250;

export function paginate<T>(items: readonly T[], args: PageArgs, keyOf: (item: T) => bigint): ConnectionResult<T> {
  const { first, last, after, before } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  for (const [name, v] of [["first", first], ["last", last]] as const) {
    if (typeof v === "number" && (v < 0 || v > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`The value for \`${name}\` must be between 0 and ${MAX_PAGE_SIZE}`, { extensions: { code: "BAD_REQUEST" } });
    }
  }
  const ordered = args.reverse ? [...items].reverse() : items;
  const dir = args.reverse ? -1n : 1n;
  let start = 0;
  let end = ordered.length;
  if (after) {
    const k = decodeCursor(after);
    while (start < end && (keyOf(ordered[start]!) - k) * dir <= 0n) start++;
  }
  if (before) {
    const k = decodeCursor(before);
    while (end > start && (keyOf(ordered[end - 1]!) - k) * dir >= 0n) end--;
  }
  let sliceStart = start;
  let sliceEnd = end;
  if (typeof first === "number") sliceEnd = Math.min(sliceEnd, sliceStart + first);
  if (typeof last === "number") sliceStart = Math.max(sliceStart, sliceEnd - last);
  const page = ordered.slice(sliceStart, sliceEnd);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    [CONNECTION_BRAND]: true,
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: sliceEnd < ordered.length,
      hasPreviousPage: sliceStart > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

export function isConnectionResult(v: unknown): v is ConnectionResult<unknown> {
  return typeof v === "object" && v !== null && CONNECTION_BRAND in v;
}
