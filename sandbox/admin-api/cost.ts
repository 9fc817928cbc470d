/**
 * Calculated query cost, as Shopify computes it
 * (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation, and the figures
 * in SHOPIFY-CONFORMANCE §1):
 * - scalars and enums cost 0; an object costs 1; interfaces/unions cost the max of their
 *   possible selections;
 * - a connection costs 2 + `first`/`last` × the cost of one node (requested), or 2 + the
 *   nodes actually returned (actual);
 * - a mutation field costs 10 plus its payload's selection; actual is 10 when the payload is null.
 *
 * (inferred) Shopify does not charge for connection plumbing (edges, pageInfo) nor for
 * objects that are not `Node`s (userErrors, InventoryChange, Count, …). Charging only `Node`
 * objects reproduces every captured figure: set/adjust with group+changes+item+location = 13,
 * orderCreate with `lineItems(first:5)` = 18 requested / 14 actual with one line, payload
 * null = 10. Plain (non-connection) lists are charged once, like Shopify's captured set
 * mutation (two change rows, each with item and location, still costs 13).
 */
import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MUTATION_BASE_COST = 10;

type Data = Record<string, unknown> | null | undefined;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** false: requested (static); true: actual (walks the response data) */
  actual: boolean;
}

const nodeLikeCache = new WeakMap<GraphQLNamedType, boolean>();
function objectCost(type: GraphQLNamedType): number {
  let v = nodeLikeCache.get(type);
  if (v === undefined) {
    if (isObjectType(type)) v = type.getInterfaces().some((i) => i.name === "Node");
    else if (isInterfaceType(type)) v = type.name !== "DisplayableError";
    else v = isAbstractType(type);
    nodeLikeCache.set(type, v);
  }
  return v ? 1 : 0;
}

function isConnection(type: GraphQLNamedType): type is GraphQLObjectType {
  if (!isObjectType(type) || !type.name.endsWith("Connection")) return false;
  const f = type.getFields();
  return "pageInfo" in f && ("edges" in f || "nodes" in f);
}

function argValue(walk: Walk, field: FieldNode, name: string): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  return valueFromASTUntyped(arg.value, walk.variables);
}

function unwrapList(type: GraphQLOutputType): boolean {
  const t = isNonNullType(type) ? type.ofType : type;
  return isListType(t);
}

function selectionCost(walk: Walk, set: SelectionSetNode | undefined, type: GraphQLCompositeType, data: Data): number {
  if (!set) return 0;
  if (isAbstractType(type)) {
    // Interfaces/unions: the max over the concrete types the selection names (plus the
    // abstract type's own fields). With data, the runtime type if it was selected.
    const runtime = data && typeof data.__typename === "string" ? walk.schema.getType(data.__typename) : undefined;
    if (runtime && isObjectType(runtime)) return concreteCost(walk, set, runtime, data);
    const candidates = new Set<GraphQLCompositeType>([type]);
    collectConditions(walk, set, candidates);
    let max = 0;
    for (const c of candidates) {
      if (c === type || (isObjectType(c) && walk.schema.isSubType(type, c))) max = Math.max(max, concreteCost(walk, set, c, data));
    }
    return max;
  }
  return concreteCost(walk, set, type, data);
}

function collectConditions(walk: Walk, set: SelectionSetNode, out: Set<GraphQLCompositeType>): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT && sel.typeCondition) {
      const t = walk.schema.getType(sel.typeCondition.name.value);
      if (t && isObjectType(t)) out.add(t);
      collectConditions(walk, sel.selectionSet, out);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = walk.fragments[sel.name.value];
      const t = frag && walk.schema.getType(frag.typeCondition.name.value);
      if (t && isObjectType(t)) out.add(t);
      if (frag) collectConditions(walk, frag.selectionSet, out);
    }
  }
}

function applies(walk: Walk, condition: string | undefined, type: GraphQLCompositeType): boolean {
  if (!condition || condition === type.name) return true;
  const cond = walk.schema.getType(condition);
  if (!cond) return false;
  if (isAbstractType(cond) && isObjectType(type)) return walk.schema.isSubType(cond, type);
  return false;
}

function concreteCost(walk: Walk, set: SelectionSetNode, type: GraphQLCompositeType, data: Data): number {
  let sum = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) sum += fieldCost(walk, sel, type, data);
    else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (applies(walk, sel.typeCondition?.name.value, type)) sum += concreteCost(walk, sel.selectionSet, type, data);
    } else {
      const frag = walk.fragments[sel.name.value];
      if (frag && applies(walk, frag.typeCondition.name.value, type)) sum += concreteCost(walk, frag.selectionSet, type, data);
    }
  }
  return sum;
}

function fieldCost(walk: Walk, field: FieldNode, parent: GraphQLCompositeType, data: Data): number {
  if (field.name.value.startsWith("__")) return 0;
  if (isAbstractType(parent) && !isInterfaceType(parent)) return 0;
  const def = (parent as GraphQLObjectType).getFields()[field.name.value];
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named)) return 0;
  const key = field.alias?.value ?? field.name.value;
  let value: unknown = undefined;
  if (walk.actual) {
    value = data?.[key];
    if (value === null || value === undefined) return 0;
  }
  const composite = named as GraphQLCompositeType;

  if (isConnection(composite)) {
    const conn = composite;
    const nodeType = getNamedType(conn.getFields().nodes?.type ?? conn.getFields().edges!.type) as GraphQLCompositeType;
    const edgeNodeType = conn.getFields().edges ? (getNamedType((getNamedType(conn.getFields().edges!.type) as GraphQLObjectType).getFields().node!.type) as GraphQLCompositeType) : nodeType;
    let total = 2;
    if (!walk.actual) {
      const n = Number(argValue(walk, field, "first") ?? argValue(walk, field, "last") ?? 0) || 0;
      total += n * connectionNodeCost(walk, field.selectionSet, conn, edgeNodeType, nodeType, undefined);
    } else {
      const v = value as { edges?: { node?: Data }[]; nodes?: Data[] };
      const count = Math.max(v.edges?.length ?? 0, v.nodes?.length ?? 0);
      for (let i = 0; i < count; i++) {
        total += connectionNodeCost(walk, field.selectionSet, conn, edgeNodeType, nodeType, { edge: v.edges?.[i]?.node, node: v.nodes?.[i] });
      }
    }
    return total;
  }

  const own = objectCost(composite);
  if (unwrapList(def.type)) {
    // `nodes(ids:)` charges each id; other plain lists are charged once (see header).
    if (parent.name === "QueryRoot" && field.name.value === "nodes") {
      if (!walk.actual) {
        const ids = argValue(walk, field, "ids");
        const n = Array.isArray(ids) ? ids.length : 1;
        return n * (own + selectionCost(walk, field.selectionSet, composite, undefined));
      }
      return (value as Data[]).reduce<number>((s, d) => s + (d ? own + selectionCost(walk, field.selectionSet, composite, d) : 0), 0);
    }
    if (!walk.actual) return own + selectionCost(walk, field.selectionSet, composite, undefined);
    const list = (value as Data[]).filter((d) => d);
    if (list.length === 0) return 0;
    return own + Math.max(...list.map((d) => selectionCost(walk, field.selectionSet, composite, d)));
  }
  return own + selectionCost(walk, field.selectionSet, composite, value as Data);
}

/** One node's cost inside a connection: `edges { node {…} }` and/or `nodes {…}`. */
function connectionNodeCost(
  walk: Walk,
  set: SelectionSetNode | undefined,
  conn: GraphQLObjectType,
  edgeNodeType: GraphQLCompositeType,
  nodeType: GraphQLCompositeType,
  data: { edge: Data; node: Data } | undefined,
): number {
  if (!set) return 0;
  let sum = 0;
  const visit = (s: SelectionSetNode): void => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value === "nodes") {
          if (!walk.actual || data?.node) sum += objectCost(nodeType) + selectionCost(walk, sel.selectionSet, nodeType, data?.node);
        } else if (sel.name.value === "edges") {
          for (const e of sel.selectionSet?.selections ?? []) {
            if (e.kind === Kind.FIELD && e.name.value === "node" && (!walk.actual || data?.edge)) {
              sum += objectCost(edgeNodeType) + selectionCost(walk, e.selectionSet, edgeNodeType, data?.edge);
            }
          }
        }
        // pageInfo and other connection fields are free
      } else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet);
      else {
        const frag = walk.fragments[sel.name.value];
        if (frag) visit(frag.selectionSet);
      }
    }
  };
  visit(set);
  void conn;
  return sum;
}

function rootCost(walk: Walk, op: OperationDefinitionNode, data: Data): number {
  const root = walk.schema.getRootType(op.operation);
  if (!root) return 0;
  if (op.operation !== "mutation") return selectionCost(walk, op.selectionSet, root, data);
  let sum = 0;
  const visit = (set: SelectionSetNode): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith("__")) continue;
        const def = root.getFields()[sel.name.value];
        if (!def) continue;
        const key = sel.alias?.value ?? sel.name.value;
        sum += MUTATION_BASE_COST;
        const payload = walk.actual ? (data?.[key] as Data) : undefined;
        if (walk.actual && !payload) continue;
        const t = getNamedType(def.type);
        if (!isLeafType(t)) sum += selectionCost(walk, sel.selectionSet, t as GraphQLCompositeType, payload);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet);
      else {
        const frag = walk.fragments[sel.name.value];
        if (frag) visit(frag.selectionSet);
      }
    }
  };
  visit(op.selectionSet);
  return sum;
}

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function requestedQueryCost(input: CostInput): number {
  return rootCost({ ...input, actual: false }, input.operation, undefined);
}

export function actualQueryCost(input: CostInput, data: unknown): number {
  return rootCost({ ...input, actual: true }, input.operation, (data ?? null) as Data);
}
