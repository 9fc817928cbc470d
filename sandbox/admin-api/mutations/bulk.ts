/**
 * `bulkOperationRunQuery(query, groupObjects)` and `bulkOperationCancel(id)`. The store, the
 * run and the JSONL are in ../resolvers/bulk.ts.
 *
 * Rules Shopify documents for the inner query (schema description of bulkOperationRunQuery;
 * https://shopify.dev/docs/api/usage/bulk-operations/queries "Limitations" / "Operation
 * restrictions"), refused with `userErrors` (field ["query"], code INVALID) and no operation:
 * - it must be a valid document against the Admin schema (the validation message follows);
 * - at least one connection, at most five, nested at most two levels deep;
 * - no top-level `node` / `nodes`;
 * - the node that owns a nested connection must select `id` without an alias (message as
 *   Shopify words it, quoted in community.shopify.com/t/…/305939).
 * Concurrency: from API 2026-01 an app may run up to five bulk query operations per shop at
 * once (https://shopify.dev/changelog/faster-bulk-operations); the sixth is refused.
 * (inferred) The exact wording of the other messages and the LIMIT_REACHED code for the
 * sixth operation are ours: Shopify documents the rule, not the text. Kept in MESSAGES.
 * The operation itself costs nothing against the rate limit; the mutation call is costed by
 * ../cost.ts like any mutation (10 + payload).
 */
import {
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { adminSchema } from "../../schemas/index.js";
import type { ApiContext } from "../context.js";
import { shopifyValidationErrors } from "../errors.js";
import { defineType, requireGid, type Args, type ResolverMap } from "../resolvers/common.js";
import { activeQueryOperations, createBulkOperation, findBulkOperation } from "../resolvers/bulk.js";

/** From 2026-01: up to five bulk query operations per shop at a time (see header). */
export const MAX_CONCURRENT_BULK_QUERIES = 5;
export const MAX_BULK_CONNECTIONS = 5;
export const MAX_BULK_CONNECTION_DEPTH = 2;

export const MESSAGES = {
  invalid: (detail: string) => `Invalid bulk query: ${detail}`,
  oneOperation: "Bulk queries must contain exactly one operation.",
  queryOnly: "Bulk queries must be query operations.",
  noVariables: "Bulk queries cannot declare variables.",
  noConnection: "Bulk queries must contain at least one connection.",
  tooManyConnections: `Bulk queries cannot contain more than ${MAX_BULK_CONNECTIONS} connections.`,
  tooDeep: `Bulk queries cannot contain connections with a nesting depth greater than ${MAX_BULK_CONNECTION_DEPTH}.`,
  topLevelNode: "Bulk queries cannot contain top level `node` or `nodes` fields.",
  parentId: (fields: string[]) =>
    `The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': ${fields.join(", ")}.`,
  limitReached: (ids: string[]) =>
    `A maximum of ${MAX_CONCURRENT_BULK_QUERIES} bulk query operations can run at the same time per shop. Running: ${ids.join(", ")}.`,
  cancelMissing: "Bulk operation does not exist",
  cancelFinished: (status: string) => `A bulk operation cannot be canceled when it is ${status.toLowerCase()}`,
} as const;

export interface BulkUserError {
  field: string[] | null;
  message: string;
  code: "INVALID" | "LIMIT_REACHED" | "OPERATION_IN_PROGRESS" | null;
}

const invalid = (message: string): BulkUserError => ({ field: ["query"], message, code: "INVALID" });

function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  if (!isObjectType(type) || !type.name.endsWith("Connection")) return false;
  const f = type.getFields();
  return "pageInfo" in f && ("edges" in f || "nodes" in f);
}

interface Walk {
  fragments: Record<string, FragmentDefinitionNode>;
  connections: number;
  maxDepth: number;
  missingId: string[];
}

/** Does this node selection pick `id` itself, unaliased? */
function selectsId(walk: Walk, set: SelectionSetNode): boolean {
  return set.selections.some((sel) => {
    if (sel.kind === Kind.FIELD) return sel.name.value === "id" && !sel.alias;
    if (sel.kind === Kind.INLINE_FRAGMENT) return selectsId(walk, sel.selectionSet);
    const frag = walk.fragments[sel.name.value];
    return !!frag && selectsId(walk, frag.selectionSet);
  });
}

function typeOf(name: string | undefined, fallback: GraphQLCompositeType): GraphQLCompositeType {
  const t = name ? adminSchema().getType(name) : undefined;
  return t && isCompositeType(t) ? t : fallback;
}

/** Counts connections and their nesting; notes nested connections whose owner lacks `id`. */
function visit(walk: Walk, set: SelectionSetNode, type: GraphQLCompositeType, depth: number, ownerHasId: boolean | null): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      visit(walk, sel.selectionSet, typeOf(sel.typeCondition?.name.value, type), depth, ownerHasId);
      continue;
    }
    if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = walk.fragments[sel.name.value];
      if (frag) visit(walk, frag.selectionSet, typeOf(frag.typeCondition.name.value, type), depth, ownerHasId);
      continue;
    }
    if (!sel.selectionSet || !("getFields" in type)) continue;
    const def = type.getFields()[sel.name.value];
    if (!def) continue;
    const named = getNamedType(def.type);
    if (!isCompositeType(named)) continue;
    if (!isConnectionType(named)) {
      visit(walk, sel.selectionSet, named, depth, ownerHasId);
      continue;
    }
    walk.connections++;
    const level = depth + 1;
    walk.maxDepth = Math.max(walk.maxDepth, level);
    if (ownerHasId === false) walk.missingId.push(sel.alias?.value ?? sel.name.value);
    const connFields = named.getFields();
    const nodeType = getNamedType((connFields.nodes ?? connFields.edges)!.type) as GraphQLCompositeType;
    const edgeNodeType = connFields.edges
      ? (getNamedType((getNamedType(connFields.edges.type) as GraphQLObjectType).getFields().node!.type) as GraphQLCompositeType)
      : nodeType;
    const nodeSets = (s: SelectionSetNode, out: { set: SelectionSetNode; type: GraphQLCompositeType }[]) => {
      for (const c of s.selections) {
        if (c.kind === Kind.FIELD && c.name.value === "nodes" && c.selectionSet) out.push({ set: c.selectionSet, type: nodeType });
        if (c.kind === Kind.FIELD && c.name.value === "edges" && c.selectionSet) {
          for (const e of c.selectionSet.selections) {
            if (e.kind === Kind.FIELD && e.name.value === "node" && e.selectionSet) out.push({ set: e.selectionSet, type: edgeNodeType });
          }
        }
        if (c.kind === Kind.INLINE_FRAGMENT) nodeSets(c.selectionSet, out);
        if (c.kind === Kind.FRAGMENT_SPREAD && walk.fragments[c.name.value]) nodeSets(walk.fragments[c.name.value]!.selectionSet, out);
      }
      return out;
    };
    for (const ns of nodeSets(sel.selectionSet, [])) visit(walk, ns.set, ns.type, level, selectsId(walk, ns.set));
  }
}

/** The inner query, checked as Shopify does before it accepts the operation. */
export function checkBulkQuery(query: string): { document: DocumentNode } | { errors: BulkUserError[] } {
  const schema = adminSchema();
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (e) {
    return { errors: [invalid(MESSAGES.invalid((e as GraphQLError).message.replace(/^Syntax Error: /, "syntax error, ")))] };
  }
  const validation = validate(schema, document);
  if (validation.length) return { errors: shopifyValidationErrors(document, validation).map((e) => invalid(MESSAGES.invalid(e.message))) };

  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1) return { errors: [invalid(MESSAGES.oneOperation)] };
  const op = ops[0]!;
  if (op.operation !== "query") return { errors: [invalid(MESSAGES.queryOnly)] };
  if (op.variableDefinitions?.length) return { errors: [invalid(MESSAGES.noVariables)] };
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;

  const errors: BulkUserError[] = [];
  const rootFields = op.selectionSet.selections.filter((s) => s.kind === Kind.FIELD);
  if (rootFields.some((s) => s.kind === Kind.FIELD && (s.name.value === "node" || s.name.value === "nodes"))) errors.push(invalid(MESSAGES.topLevelNode));
  const walk: Walk = { fragments, connections: 0, maxDepth: 0, missingId: [] };
  visit(walk, op.selectionSet, schema.getQueryType()!, 0, null);
  if (walk.connections === 0) errors.push(invalid(MESSAGES.noConnection));
  if (walk.connections > MAX_BULK_CONNECTIONS) errors.push(invalid(MESSAGES.tooManyConnections));
  if (walk.maxDepth > MAX_BULK_CONNECTION_DEPTH) errors.push(invalid(MESSAGES.tooDeep));
  if (walk.missingId.length) errors.push(invalid(MESSAGES.parentId(walk.missingId)));
  return errors.length ? { errors } : { document };
}

export const bulkMutations: ResolverMap = {
  Mutation: defineType<unknown>({
    bulkOperationRunQuery: (_s, args: Args, ctx: ApiContext) => {
      const query = args.query as string;
      const checked = checkBulkQuery(query);
      if ("errors" in checked) return { bulkOperation: null, userErrors: checked.errors };
      const running = activeQueryOperations(ctx.state);
      if (running.length >= MAX_CONCURRENT_BULK_QUERIES) {
        return { bulkOperation: null, userErrors: [{ field: null, message: MESSAGES.limitReached(running.map((o) => o.id)), code: "LIMIT_REACHED" }] };
      }
      // groupObjects defaults to false in 2026-10 (schema); graphql-js fills the default in.
      const op = createBulkOperation(ctx, query, checked.document, args.groupObjects === true);
      return { bulkOperation: op, userErrors: [] };
    },
    bulkOperationCancel: (_s, args: Args, ctx: ApiContext) => {
      const op = findBulkOperation(ctx.state, requireGid(args.id));
      if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: MESSAGES.cancelMissing }] };
      if (op.status !== "CREATED" && op.status !== "RUNNING") {
        return { bulkOperation: op, userErrors: [{ field: null, message: MESSAGES.cancelFinished(op.status) }] };
      }
      op.status = "CANCELING";
      return { bulkOperation: op, userErrors: [] };
    },
  }),
  BulkOperationUserError: defineType<BulkUserError>({
    field: (e) => e.field,
    message: (e) => e.message,
    code: (e) => e.code,
  }),
};
