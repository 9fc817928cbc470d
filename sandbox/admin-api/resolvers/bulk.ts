/**
 * Bulk query operations: the per-shop store, the background "run" of a bulk query, its JSONL
 * result, and the reads (`bulkOperation(id:)`, `currentBulkOperation`, `bulkOperations`).
 * The mutations (`bulkOperationRunQuery`, `bulkOperationCancel`) are in ../mutations/bulk.ts.
 *
 * What Shopify documents (https://shopify.dev/docs/api/usage/bulk-operations/queries and the
 * 2026-10 schema descriptions of BulkOperation / bulkOperationRunQuery):
 * - status goes CREATED → RUNNING → COMPLETED (or FAILED with `errorCode`, CANCELING →
 *   CANCELED, and EXPIRED once the result URL expires after seven days);
 * - the result is JSONL: one JSON object per line; each node of a nested connection is its own
 *   line carrying `__parentId` (the id of the object it belongs to), and a child always comes
 *   after its parent; `groupObjects: true` puts children directly under their parent
 *   (the 2026-10 default is false, i.e. not grouped);
 * - `objectCount` counts every object, `rootObjectCount` only the top-level ones; both and
 *   `fileSize` are UnsignedInt64, which Shopify serialises as strings;
 * - results stay available for seven days;
 * - `objectCount` / `rootObjectCount` are "a running count of all the objects processed …
 *   This field can be used to track operation progress" (BulkOperation field descriptions):
 *   they grow while the operation is RUNNING.
 *
 * Emulator choices (deterministic for tests, no timers):
 * - a bulk query is not a snapshot (SHOPIFY-FACTS.md "Rate limits": recorded runs take 0–16 s
 *   on small shops and minutes on large ones while orders keep landing). The run starts when
 *   the operation is created and reads `objectsPerSecond` objects a second of the shop's clock
 *   (`bulkObjectsPerSecond`, default DEFAULT_BULK_OBJECTS_PER_SECOND): a root object and
 *   everything nested under it are read against the shop as it is at that object's turn and
 *   written to the file then, so an order that lands during the run is seen by the lines read
 *   after it and not by those read before. The emulator brings every running operation up to
 *   the clock before each request it serves (./../emulator.ts), so "before" and "after" are
 *   exact; a root that is not a single connection is read whole at the start;
 * - status: CREATED until the shop first serves a request after the creation, then RUNNING
 *   (objectCount growing), COMPLETED once the last object's turn has passed, with
 *   `completedAt` = that moment; the file and `url` appear only then;
 * - `url` is `https://<shop>/sandbox/bulk/<id>.jsonl`, served by the sandbox itself (see
 *   ../../http/compose.ts, ../../msw/index.ts). Real Shopify returns a short-lived signed
 *   storage URL on another host (e.g. storage.googleapis.com) that needs no access token;
 * - (inferred) an operation that produced no objects completes with `url: null`,
 *   `objectCount: "0"`;
 * - a field error while running (e.g. a field the sandbox does not emulate) fails the
 *   operation with `INTERNAL_SERVER_ERROR` and the partial data at `partialDataUrl`
 *   (ACCESS_DENIED when the error says so).
 */
import {
  execute,
  getNamedType,
  isObjectType,
  Kind,
  type DocumentNode,
  type GraphQLError,
  type OperationDefinitionNode,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLTypeResolver,
} from "graphql";
import type { ShopEmulator } from "../../contract.js";
import { adminSchema } from "../../schemas/index.js";
import { gid, typeOfGid } from "../../shop/ids.js";
import { nextLegacyId, type ShopState } from "../../shop/state.js";
import { CONNECTION_BRAND, isConnectionResult, MAX_PAGE_SIZE, type ConnectionResult } from "../connection.js";
import type { ApiContext } from "../context.js";
import { notEmulatedError } from "../errors.js";
import { connection, defineType, plain, requireGid, type ResolverMap } from "./common.js";

export type BulkOperationStatus = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";
export type BulkOperationErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

export interface BulkOperationRecord {
  id: string;
  legacyId: string;
  type: "QUERY" | "MUTATION";
  status: BulkOperationStatus;
  query: string;
  groupObjects: boolean;
  document: DocumentNode;
  createdAt: string;
  completedAt: string | null;
  errorCode: BulkOperationErrorCode | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
}

/** A running query's progress: what it has written so far and when its next object is read. */
interface BulkRun {
  /** The creating app's view of the shop (scopes, `$app`), read with at every step. */
  ctx: ApiContext;
  /** Response key of the root connection paged through over time; null: read whole at the start. */
  rootKey: string | null;
  cursor: string | null;
  /** Epoch ms at which the next object is read. */
  nextReadAt: number;
  objectsPerSecond: number;
  /** JSONL lines written so far (the file is published when the operation ends). */
  lines: string[];
  done: boolean;
}

interface BulkStore {
  operations: Map<string, BulkOperationRecord>;
  /** JSONL files by operation legacy id */
  files: Map<string, string>;
  runs: Map<string, BulkRun>;
  objectsPerSecond: number;
}

/**
 * Objects (JSONL lines) a bulk query reads per second, unless the emulator is told otherwise
 * (`bulkObjectsPerSecond`). Real runs take 0–16 s on small shops and minutes on large ones
 * (SHOPIFY-FACTS.md "Rate limits", recorded runs), i.e. a few hundred to a few
 * thousand objects a second; this default sits at the fast end so a 2,000-variant catalog
 * (~10,000 objects) reads in about 2 s and tests stay quick. See ../../shop/README.md.
 */
export const DEFAULT_BULK_OBJECTS_PER_SECOND = 5_000;

/** Results (and their URLs) expire after seven days (BulkOperation.url description). */
export const BULK_RESULT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Statuses that hold one of the shop's concurrent bulk query slots. */
export const ACTIVE_STATUSES: ReadonlySet<BulkOperationStatus> = new Set(["CREATED", "RUNNING", "CANCELING"]);

const stores = new WeakMap<ShopState, BulkStore>();

/** The bulk operations of one shop (kept beside, not inside, the shop state). */
export function bulkStore(state: ShopState): BulkStore {
  let store = stores.get(state);
  if (!store) {
    store = { operations: new Map(), files: new Map(), runs: new Map(), objectsPerSecond: DEFAULT_BULK_OBJECTS_PER_SECOND };
    stores.set(state, store);
  }
  return store;
}

export function createBulkOperation(ctx: ApiContext, query: string, document: DocumentNode, groupObjects: boolean): BulkOperationRecord {
  const store = bulkStore(ctx.state);
  // The shop's own counter (sandbox/shop/ids.ts): it follows the shop's idBase like every other.
  const legacyId = nextLegacyId(ctx.state, "BulkOperation");
  const op: BulkOperationRecord = {
    id: gid("BulkOperation", legacyId),
    legacyId,
    type: "QUERY",
    status: "CREATED",
    query,
    groupObjects,
    document,
    createdAt: ctx.now(),
    completedAt: null,
    errorCode: null,
    objectCount: 0,
    rootObjectCount: 0,
    fileSize: null,
    url: null,
    partialDataUrl: null,
  };
  store.operations.set(op.id, op);
  // The run starts now: its first object is read at once, the next ones at the shop's pace.
  store.runs.set(op.id, {
    ctx: readContext(ctx),
    rootKey: progressiveRoot(document),
    cursor: null,
    nextReadAt: ctx.clock.now().getTime(),
    objectsPerSecond: store.objectsPerSecond,
    lines: [],
    done: false,
  });
  return op;
}

/** The emulator's `bulkObjectsPerSecond` knob (./emulator.ts). */
export function setBulkObjectsPerSecond(state: ShopState, objectsPerSecond: number): void {
  if (!(objectsPerSecond > 0)) throw new Error(`bulkObjectsPerSecond must be positive, got ${objectsPerSecond}`);
  bulkStore(state).objectsPerSecond = objectsPerSecond;
}

export function activeQueryOperations(state: ShopState): BulkOperationRecord[] {
  return [...bulkStore(state).operations.values()].filter((op) => op.type === "QUERY" && ACTIVE_STATUSES.has(op.status));
}

/** The JSONL behind `url`/`partialDataUrl`, for the sandbox's HTTP route; null when unknown or expired. */
export function bulkResultFile(emulator: ShopEmulator, legacyId: string | number): string | null {
  const state = (emulator as Partial<{ state: ShopState }>).state;
  if (!state) return null;
  return bulkStore(state).files.get(String(legacyId)) ?? null;
}

export function bulkResultUrl(state: ShopState, legacyId: string): string {
  return `https://${state.shop.domain}/sandbox/bulk/${legacyId}.jsonl`;
}

// ---------------------------------------------------------------------------------------
// Running the query

function isConnectionType(type: GraphQLNamedType): boolean {
  if (!isObjectType(type) || !type.name.endsWith("Connection")) return false;
  const f = type.getFields();
  return "pageInfo" in f && ("edges" in f || "nodes" in f);
}

function pathKey(path: GraphQLResolveInfo["path"] | undefined): string {
  const keys: (string | number)[] = [];
  for (let p = path; p; p = p.prev) keys.unshift(p.key);
  return keys.join(".");
}

/** Same as execute.ts: records carry GIDs naming their type; catalogs are AppCatalogs. */
const typeResolver: GraphQLTypeResolver<unknown, ApiContext> = (value) => {
  if (value && typeof value === "object") {
    if ("__catalog" in value) return "AppCatalog";
    if ("id" in value && typeof value.id === "string") return typeOfGid(value.id) ?? undefined;
  }
  return undefined;
};

const PLAIN_TYPE = /(Payload|UserError|Edge|Connection)$/;
const PLAIN_TYPES = new Set(["PageInfo", "Count", "UserError"]);

/**
 * Executes a validated bulk query over the shop state. Connections are drained page by page
 * through the ordinary resolvers (so `query:`, `sortKey`, `reverse` behave as in a normal
 * request) and returned whole: bulk queries have no page-size limit and need no `first`.
 * (inferred) `first`/`last`/`after`/`before` on a connection are ignored in a bulk query.
 */
async function runQuery(ctx: ApiContext, document: DocumentNode, resolvers: ResolverMap, rootPage: { key: string; first: number; after: string | null } | null) {
  const connectionPaths = new Set<string>();
  let readRoot: { endCursor: string | null; hasNextPage: boolean } | null = null;
  const base = (source: unknown, args: Record<string, unknown>, c: ApiContext, info: GraphQLResolveInfo): unknown => {
    const r = resolvers[info.parentType.name]?.[info.fieldName] as
      | ((s: unknown, a: unknown, c: ApiContext, i: GraphQLResolveInfo) => unknown)
      | undefined;
    if (r) return r(source, args, c, info);
    const typeName = info.parentType.name;
    if ((PLAIN_TYPE.test(typeName) || PLAIN_TYPES.has(typeName) || isConnectionResult(source)) && source && typeof source === "object" && info.fieldName in source) {
      return (source as Record<string, unknown>)[info.fieldName];
    }
    throw notEmulatedError(typeName, info.fieldName);
  };
  const fieldResolver: GraphQLFieldResolver<unknown, ApiContext> = async (source, args, c, info) => {
    if (!isConnectionType(getNamedType(info.returnType))) return base(source, args, c, info);
    const key = pathKey(info.path);
    connectionPaths.add(key);
    if (rootPage && key === rootPage.key) {
      // The root connection is read a few objects at a time, each step where the last ended.
      const page = await base(source, { ...args, first: rootPage.first, last: null, after: rootPage.after, before: null }, c, info);
      if (isConnectionResult(page)) readRoot = { endCursor: page.pageInfo.endCursor ?? rootPage.after, hasNextPage: page.pageInfo.hasNextPage };
      return page;
    }
    const pageArgs: Record<string, unknown> = { ...args, first: MAX_PAGE_SIZE, last: null, after: null, before: null };
    const nodes: unknown[] = [];
    const edges: { cursor: string; node: unknown }[] = [];
    for (;;) {
      const page = await base(source, pageArgs, c, info);
      if (!isConnectionResult(page)) return page;
      nodes.push(...page.nodes);
      edges.push(...page.edges);
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
      pageArgs.after = page.pageInfo.endCursor;
    }
    const whole: ConnectionResult<unknown> = {
      [CONNECTION_BRAND]: true,
      nodes,
      edges,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
    };
    return whole;
  };
  const result = (await execute({
    schema: adminSchema(),
    document,
    rootValue: {},
    contextValue: ctx,
    fieldResolver,
    typeResolver,
  })) as ExecutionResult;
  return { result, connectionPaths, rootPage: readRoot as { endCursor: string | null; hasNextPage: boolean } | null };
}

interface Jsonl {
  text: string;
  objectCount: number;
  rootObjectCount: number;
}

/**
 * The JSONL for a result: every connection node is a line; a nested connection's nodes get
 * `__parentId` (the enclosing line's `id`, written last like Shopify's samples) and are
 * removed from their parent's line. Connection plumbing (edges, cursor, pageInfo) is dropped.
 * Grouped: each line's children directly follow it. Not grouped: parents still come before
 * their children, but children are not next to their parent (all top-level lines, then the
 * first nesting level, then the second), so readers must not rely on adjacency.
 */
export function toJsonl(data: Record<string, unknown>, connectionPaths: ReadonlySet<string>, groupObjects: boolean): Jsonl {
  const lines: { depth: number; text: string }[] = [];

  const clean = (value: unknown, path: string, ownerId: string | undefined, depth: number): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => clean(v, `${path}.${i}`, ownerId, depth));
    if (!value || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const p = path ? `${path}.${key}` : key;
      if (connectionPaths.has(p)) {
        if (v) emitConnection(v as { edges?: { node: unknown }[]; nodes?: unknown[] }, p, ownerId, depth);
        continue;
      }
      out[key] = clean(v, p, ownerId, depth);
    }
    return out;
  };

  const emitConnection = (conn: { edges?: { node: unknown }[]; nodes?: unknown[] }, path: string, parentId: string | undefined, depth: number) => {
    const entries: [unknown, string][] = conn.edges
      ? conn.edges.map((e, i) => [e?.node, `${path}.edges.${i}.node`])
      : (conn.nodes ?? []).map((n, i) => [n, `${path}.nodes.${i}`]);
    for (const [node, nodePath] of entries) {
      if (!node || typeof node !== "object") continue;
      const at = lines.length;
      lines.push({ depth, text: "" });
      const id = typeof (node as { id?: unknown }).id === "string" ? ((node as { id: string }).id) : undefined;
      const line = clean(node, nodePath, id, depth + 1) as Record<string, unknown>;
      if (parentId !== undefined) line.__parentId = parentId;
      lines[at] = { depth, text: JSON.stringify(line) };
    }
  };

  // Root fields: a connection's nodes are top-level lines; a plain object (e.g. `shop`) is one line.
  for (const [key, value] of Object.entries(data)) {
    if (connectionPaths.has(key)) {
      if (value) emitConnection(value as { nodes?: unknown[] }, key, undefined, 0);
    } else if (value && typeof value === "object") {
      const at = lines.length;
      lines.push({ depth: 0, text: "" });
      const id = typeof (value as { id?: unknown }).id === "string" ? (value as { id: string }).id : undefined;
      lines[at] = { depth: 0, text: JSON.stringify(clean(value, key, id, 1)) };
    }
  }
  const ordered = groupObjects ? lines : [...lines].sort((a, b) => a.depth - b.depth); // stable
  return {
    text: ordered.map((l) => `${l.text}\n`).join(""),
    objectCount: lines.length,
    rootObjectCount: lines.filter((l) => l.depth === 0).length,
  };
}

/** The app's view of the shop a running operation reads with (its scopes, its `$app`), no request log. */
function readContext(ctx: ApiContext): ApiContext {
  return { state: ctx.state, clock: ctx.clock, apiClientId: ctx.apiClientId, scopes: ctx.scopes, idempotency: ctx.idempotency, emit: () => {}, now: ctx.now };
}

/** The one root connection a bulk query pages through over time; null when the root is anything else. */
function progressiveRoot(document: DocumentNode): string | null {
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const roots = op?.selectionSet.selections ?? [];
  if (roots.length !== 1 || roots[0]!.kind !== Kind.FIELD) return null;
  const field = roots[0]!;
  const def = adminSchema().getQueryType()!.getFields()[field.name.value];
  return def && isConnectionType(getNamedType(def.type)) ? (field.alias?.value ?? field.name.value) : null;
}

function finish(ctx: ApiContext, op: BulkOperationRecord, run: BulkRun, failed: readonly GraphQLError[] | null): void {
  const store = bulkStore(ctx.state);
  const text = run.lines.map((line) => `${line}\n`).join("");
  op.completedAt = new Date(run.nextReadAt).toISOString();
  store.runs.delete(op.id);
  if (failed) {
    op.status = "FAILED";
    op.errorCode = failed.some((e) => e.extensions?.code === "ACCESS_DENIED") ? "ACCESS_DENIED" : "INTERNAL_SERVER_ERROR";
    if (op.objectCount > 0) {
      store.files.set(op.legacyId, text);
      op.partialDataUrl = bulkResultUrl(ctx.state, op.legacyId);
    }
    return;
  }
  op.status = "COMPLETED";
  if (op.objectCount > 0) {
    store.files.set(op.legacyId, text);
    op.fileSize = Buffer.byteLength(text, "utf8");
    op.url = bulkResultUrl(ctx.state, op.legacyId);
  }
}

/**
 * One read step: the next root objects of the root connection (each with everything nested
 * under it, drained at this moment) against the shop as it is now, written to the file at once.
 * A query whose root is not one connection is read whole in its first step.
 */
async function readStep(op: BulkOperationRecord, run: BulkRun, roots: number, resolvers: ResolverMap): Promise<void> {
  const ctx = run.ctx;
  const page = run.rootKey ? { key: run.rootKey, first: roots, after: run.cursor } : null;
  const { result, connectionPaths, rootPage } = await runQuery(ctx, op.document, resolvers, page);
  const file = toJsonl((result.data ?? {}) as Record<string, unknown>, connectionPaths, op.groupObjects);
  run.lines.push(...file.text.split("\n").filter(Boolean));
  op.objectCount += file.objectCount;
  op.rootObjectCount += file.rootObjectCount;
  run.nextReadAt += (Math.max(1, file.objectCount) * 1000) / run.objectsPerSecond;
  run.cursor = rootPage?.endCursor ?? run.cursor;
  if (result.errors?.length) return finish(ctx, op, run, result.errors);
  if (!rootPage || !rootPage.hasNextPage) run.done = true;
}

/** Root objects read in one step at most (they see the same shop: nothing lands between them). */
const MAX_ROOTS_PER_STEP = 250;

/**
 * Brings a running operation up to `at`: every object whose turn has come is read now, in the
 * order and at the pace Shopify would have read it (see header). Called before any request
 * changes the shop, so each object sees exactly the changes made before its turn.
 */
async function advanceRun(state: ShopState, op: BulkOperationRecord, at: number, resolvers: ResolverMap): Promise<void> {
  const run = bulkStore(state).runs.get(op.id);
  if (!run) return;
  if (op.status === "CREATED") op.status = "RUNNING";
  while (op.status === "RUNNING" && !run.done && run.nextReadAt <= at) {
    const perRoot = op.rootObjectCount > 0 ? op.objectCount / op.rootObjectCount : 1;
    const due = Math.floor(((at - run.nextReadAt) * run.objectsPerSecond) / 1000 / perRoot) + 1;
    await readStep(op, run, Math.min(MAX_ROOTS_PER_STEP, due), resolvers);
  }
  if (op.status === "RUNNING" && run.done && run.nextReadAt <= at) finish(run.ctx, op, run, null);
}

/** Advances every running query operation of the shop to now (the emulator calls this before each request). */
export async function advanceBulkOperations(state: ShopState, at: Date, resolvers: ResolverMap): Promise<void> {
  for (const op of bulkStore(state).operations.values()) {
    if (op.status === "CREATED" || op.status === "RUNNING") await advanceRun(state, op, at.getTime(), resolvers);
  }
}

/**
 * One observation of an operation: brings it up to now (see header); a CANCELING one becomes
 * CANCELED, a finished one EXPIRED once its result is seven days old.
 */
async function observeWith(ctx: ApiContext, op: BulkOperationRecord, resolvers: ResolverMap): Promise<BulkOperationRecord> {
  switch (op.status) {
    case "CREATED":
    case "RUNNING":
      await advanceRun(ctx.state, op, ctx.clock.now().getTime(), resolvers);
      break;
    case "CANCELING":
      op.status = "CANCELED";
      bulkStore(ctx.state).runs.delete(op.id);
      break;
    case "COMPLETED":
    case "FAILED":
      if (op.completedAt && ctx.clock.now().getTime() - new Date(op.completedAt).getTime() >= BULK_RESULT_TTL_MS) {
        op.status = "EXPIRED";
        op.url = null;
        op.partialDataUrl = null;
        bulkStore(ctx.state).files.delete(op.legacyId);
      }
      break;
    default:
      break;
  }
  return op;
}

// ---------------------------------------------------------------------------------------
// Reads

function newestFirst(state: ShopState): BulkOperationRecord[] {
  return [...bulkStore(state).operations.values()].sort((a, b) => (BigInt(b.legacyId) > BigInt(a.legacyId) ? 1 : -1));
}

/**
 * The bulk operation reads. A bulk query runs through every emulated type's resolvers, which
 * include these: `allResolvers` hands over the merged map once it exists (./index.ts), so neither
 * module imports the other back.
 */
export function bulkResolvers(allResolvers: () => ResolverMap): ResolverMap {
  const observe = (ctx: ApiContext, op: BulkOperationRecord) => observeWith(ctx, op, allResolvers());
  return {
    QueryRoot: defineType<unknown>({
      bulkOperation: async (_s, args, ctx) => {
        const op = bulkStore(ctx.state).operations.get(requireGid(args.id));
        return op ? observe(ctx, op) : null;
      },
      // Deprecated in 2026-10 ("Use `bulkOperations` with status filter instead"), still served:
      // the app's most recent operation of `type` (default QUERY).
      currentBulkOperation: async (_s, args, ctx) => {
        const type = (args.type as string | undefined) ?? "QUERY";
        const op = newestFirst(ctx.state).find((o) => o.type === type);
        return op ? observe(ctx, op) : null;
      },
      // Newest first by default (QueryRoot.bulkOperations description); `query:` supports
      // status, operation_type, created_at, id (shopify.dev/changelog/new-queries-for-bulk-operations).
      bulkOperations: async (_s, args, ctx) => {
        const all = newestFirst(ctx.state);
        for (const op of all) await observe(ctx, op);
        const list = args.sortKey === "COMPLETED_AT" ? [...all].sort((a, b) => (b.completedAt ?? "").localeCompare(a.completedAt ?? "")) : all;
        return connection(list, args, {
          // Keys ascend along the list (paginate's cursor arithmetic expects that): newest first.
          keyOf: args.sortKey === "COMPLETED_AT" ? (op) => BigInt(list.indexOf(op)) : (op) => -BigInt(op.legacyId),
          search: {
            fields: {
              id: (op) => op.legacyId,
              status: (op) => op.status.toLowerCase(),
              operation_type: (op) => op.type.toLowerCase(),
              created_at: (op) => op.createdAt,
              completed_at: (op) => op.completedAt,
            },
            text: (op) => [op.status.toLowerCase(), op.type.toLowerCase()],
          },
        });
      },
    }),
    BulkOperation: defineType<BulkOperationRecord>({
      ...plain<BulkOperationRecord>("id", "type", "status", "query", "createdAt", "completedAt", "errorCode", "url", "partialDataUrl"),
      // UnsignedInt64 is serialised as a string by Shopify.
      objectCount: (op) => String(op.objectCount),
      rootObjectCount: (op) => String(op.rootObjectCount),
      fileSize: (op) => (op.fileSize === null ? null : String(op.fileSize)),
    }),
  };
}

/** For ../mutations/bulk.ts. */
export function findBulkOperation(state: ShopState, id: string): BulkOperationRecord | undefined {
  return bulkStore(state).operations.get(id);
}
