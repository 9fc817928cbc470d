/**
 * Calculated query cost, as Shopify computes it.
 *
 * Shopify documents only the outline (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 * "Cost calculation": scalars and enums 0, objects 1, interfaces and unions the maximum of their
 * possible selections, connections "sized by `first` and `last`", mutations 10; requested cost
 * from the document, actual cost from what was returned). The numbers below are fitted to
 * ~2,500 recorded real responses (airhorns/shopify-draft-proxy fixtures/conformance, 2025-01 and
 * 2026-04, see docs/decisions/016 §1); cost-fidelity.test.ts replays the shapes Safestock uses.
 *
 * Requested cost (from the document and its variables):
 * - scalar/enum 0; an object-returning field 1 + its selection; an interface/union field 1 +
 *   the most expensive selection over its possible types; a plain (non-connection) list is
 *   charged once, like one object (`nodes(ids:)` does not grow with the number of ids);
 * - free objects: money values (MoneyV2, MoneyBag), MailingAddress, user errors, and every
 *   object directly in a mutation payload (the mutation's 10 covers them: productCreate
 *   { product { id } } costs 10, inventorySetQuantities with group → changes → item + location
 *   costs 13);
 * - a `…Count` field costs 10 at the root (productsCount, ordersCount …) and 1 when nested;
 * - a connection costs 2 + size(first|last) × (the node's cost for `nodes`, plus again for
 *   `edges { node }` when both are selected); edges, cursors and pageInfo are free. Sizes are
 *   far below the page size: size(n) = max(1, ⌊2·ln n⌋), so 1→1, 10→4, 50→7, 100→9, 250→11
 *   (recorded: `X(first: N) { nodes { id } }` costs 3, 6, 9, 11, 13 for N = 1, 10, 50, 100, 250);
 *   nested connections multiply;
 * - a mutation root field costs 10 + its payload's selection; a query costs at least 1.
 *
 * Actual cost (from the response data): the same walk over what came back — a null object
 * still costs its own point but not its selection; a connection that returned n of its
 * first/last = F nodes costs 2 + ⌈size(F) × n / F × node⌉, where node is the dearest returned
 * node, plus 1 when that share is below one node (size(F) × n < F: recorded CostShape351, 94, 86,
 * 102, 24, 45, 128 …, see returnedPageCost); `inventoryLevels` of an InventoryItem fetched through
 * `node(id:)`/`nodes(ids:)` costs its full requested page (recorded CostShape79); an abstract value
 * whose `__typename` none of the selection's fragments name costs 1 more (CostShape89, 96); an
 * empty connection costs 2 (+ size(F) when `nodes` was selected, as recorded); a mutation whose
 * payload is null costs 10. Where Shopify's records disagree, the dearer reading is kept: the model
 * is never below a recorded cost (cost-fidelity.test.ts, docs/decisions/016 §1 amended 2026-12-06).
 *
 * Shopify also sets manual costs on some fields it does not publish (e.g. a few payload-heavy
 * mutations, `inventoryLevel(id:)` on one older store: CostShape2, 2025-01, 61 requested / 8
 * actual, absent from the 2026-04 records); those are not reproduced and are pinned in the test.
 */
import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MUTATION_BASE_COST = 10;
/** Root `…Count` fields (productsCount, ordersCount, …) cost 10 in every capture. */
export const ROOT_COUNT_COST = 10;
const CONNECTION_BASE_COST = 2;
/** Objects that ride along with their parent and cost nothing (fitted to captures). */
const FREE_OBJECT_TYPES = new Set(["MoneyV2", "MoneyBag", "MailingAddress"]);

/** What one page of `n` requested (or returned) nodes weighs: ⌊2·ln n⌋, at least 1. */
export function connectionSize(n: number): number {
  if (!(n > 0)) return 0;
  return Math.max(1, Math.floor(2 * Math.log(n)));
}

type Data = Record<string, unknown> | null | undefined;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** Inside an object fetched through the root `node(id:)` / `nodes(ids:)` lookups. */
  inNodeLookup?: boolean;
}

/** Root fields that fetch objects by global id through the Node interface. */
const NODE_LOOKUP_FIELDS = new Set(["node", "nodes"]);

/**
 * Connections Shopify charged at their full requested page, not pro rata, when the parent came
 * through a node lookup: recorded CostShape79 (`nodes(ids:)` → InventoryItem → `inventoryLevels(first:
 * 10)`, 3 levels: actual 21 = requested) while CostShape78 (`inventoryItem(id:)`, same selection, same
 * store and minute) was pro rata (docs/decisions/016 §1, amended 2026-12-06).
 */
const FULL_PAGE_IN_NODE_LOOKUP = new Set(["InventoryItem.inventoryLevels"]);

function isConnection(type: GraphQLCompositeType): type is GraphQLObjectType {
  return isObjectType(type) && type.name.endsWith("Connection") && "pageInfo" in type.getFields();
}

function argValue(walk: Walk, field: FieldNode, name: string): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, walk.variables) : undefined;
}

function pageSize(walk: Walk, field: FieldNode): number {
  return Number(argValue(walk, field, "first") ?? argValue(walk, field, "last") ?? 0) || 0;
}

function applies(walk: Walk, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (!condition || condition === type.name) return true;
  const cond = walk.schema.getType(condition);
  return !!cond && isAbstractType(cond) && walk.schema.isSubType(cond, type);
}

/** The fields of a selection that apply to one concrete type (fragments flattened). */
function fieldsOn(walk: Walk, set: SelectionSetNode, type: GraphQLObjectType, out: FieldNode[] = []): FieldNode[] {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (applies(walk, sel.typeCondition?.name.value, type)) fieldsOn(walk, sel.selectionSet, type, out);
    } else {
      const frag = walk.fragments[sel.name.value];
      if (frag && applies(walk, frag.typeCondition.name.value, type)) fieldsOn(walk, frag.selectionSet, type, out);
    }
  }
  return out;
}

function fieldDefinition(parent: GraphQLObjectType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === "__type") return TypeMetaFieldDef;
  if (name === "__schema") return SchemaMetaFieldDef;
  if (name.startsWith("__")) return undefined;
  return parent.getFields()[name];
}

/** The own cost of an object- or abstract-returning, non-connection field. */
function ownCost(parent: GraphQLObjectType, type: GraphQLCompositeType, isRoot: boolean): number {
  if (type.name === "Count") return isRoot ? ROOT_COUNT_COST : 1;
  if (parent.name.endsWith("Payload")) return 0;
  if (FREE_OBJECT_TYPES.has(type.name) || type.name.endsWith("UserError")) return 0;
  return 1;
}

/** Concrete types a value can be: its `__typename`, else the type its GID names, else all. */
function runtimeTypes(walk: Walk, type: GraphQLCompositeType, data: Data): readonly GraphQLObjectType[] {
  if (isObjectType(type)) return [type];
  const named = data && typeof data.__typename === "string" ? walk.schema.getType(data.__typename) : undefined;
  if (named && isObjectType(named)) return [named];
  const gidType = data && typeof data.id === "string" ? /^gid:\/\/shopify\/(\w+)\//.exec(data.id)?.[1] : undefined;
  const byGid = gidType ? walk.schema.getType(gidType) : undefined;
  if (byGid && isObjectType(byGid)) return [byGid];
  return walk.schema.getPossibleTypes(type);
}

/**
 * Cost of a selection on a composite type (the object's own point is charged by the caller).
 * `data` undefined: requested cost; otherwise the value that was returned for this object.
 */
function selectionCost(walk: Walk, set: SelectionSetNode | undefined, type: GraphQLCompositeType, data: Data, actual: boolean): number {
  if (!set) return 0;
  const candidates = actual ? runtimeTypes(walk, type, data) : isObjectType(type) ? [type] : staticCandidates(walk, set, type);
  let max = 0;
  for (const concrete of candidates) {
    let sum = actual && !isObjectType(type) && typeof data?.__typename === "string" && missesEveryFragment(walk, set, concrete) ? UNMATCHED_FRAGMENTS_COST : 0;
    for (const field of fieldsOn(walk, set, concrete)) sum += fieldCost(walk, field, concrete, data, actual, false);
    max = Math.max(max, sum);
  }
  return max;
}

/**
 * An abstract value whose returned `__typename` none of the selection's fragments name costs 1 more: recorded
 * CostShape89 and CostShape96 (`nodes(ids:)` with fragments on Product, ProductVariant, … that
 * returned a Shop, or an Article, Location, Market and Page: actual 2) against CostShape88 and
 * CostShape95 (the same values, `__typename id` only: actual 1) (docs/decisions/016 §1).
 */
const UNMATCHED_FRAGMENTS_COST = 1;

function missesEveryFragment(walk: Walk, set: SelectionSetNode, type: GraphQLObjectType): boolean {
  let fragments = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) continue;
    const condition = sel.kind === Kind.INLINE_FRAGMENT ? sel.typeCondition?.name.value : walk.fragments[sel.name.value]?.typeCondition.name.value;
    if (!condition || applies(walk, condition, type)) return false;
    fragments++;
  }
  return fragments > 0;
}

/**
 * The possible types worth pricing for an abstract selection: those its fragments name (or
 * that implement an interface a fragment names), plus one type that matches no fragment (all
 * such types see only the abstract type's own fields, so they cost the same).
 */
const candidateCache = new WeakMap<SelectionSetNode, Map<string, readonly GraphQLObjectType[]>>();
function staticCandidates(walk: Walk, set: SelectionSetNode, type: GraphQLCompositeType): readonly GraphQLObjectType[] {
  let byType = candidateCache.get(set);
  if (!byType) candidateCache.set(set, (byType = new Map()));
  const cached = byType.get(type.name);
  if (cached) return cached;
  const found = findCandidates(walk, set, type);
  byType.set(type.name, found);
  return found;
}

function findCandidates(walk: Walk, set: SelectionSetNode, type: GraphQLCompositeType): readonly GraphQLObjectType[] {
  const named = new Set<string>();
  const collect = (s: SelectionSetNode): void => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (sel.typeCondition) named.add(sel.typeCondition.name.value);
        collect(sel.selectionSet);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = walk.fragments[sel.name.value];
        if (frag) {
          named.add(frag.typeCondition.name.value);
          collect(frag.selectionSet);
        }
      }
    }
  };
  collect(set);
  const possible = walk.schema.getPossibleTypes(type as Parameters<GraphQLSchema["getPossibleTypes"]>[0]);
  const out: GraphQLObjectType[] = [];
  let unmatched: GraphQLObjectType | undefined;
  for (const p of possible) {
    const matches = [...named].some((n) => n === p.name || applies(walk, n, p));
    if (matches) out.push(p);
    else unmatched ??= p;
  }
  if (unmatched) out.push(unmatched);
  return out;
}

interface NodeSelection {
  set: SelectionSetNode | undefined;
  items: Data[];
  viaNodes: boolean;
}

/** The `nodes { … }` and `edges { node { … } }` selections of a connection field. */
function nodeSelections(walk: Walk, field: FieldNode, conn: GraphQLObjectType, value: Record<string, unknown> | undefined): NodeSelection[] {
  const out: NodeSelection[] = [];
  const edgeType = conn.getFields().edges ? (getNamedType(conn.getFields().edges!.type) as GraphQLObjectType) : undefined;
  for (const sel of fieldsOn(walk, field.selectionSet!, conn)) {
    const key = sel.alias?.value ?? sel.name.value;
    if (sel.name.value === "nodes") {
      out.push({ set: sel.selectionSet, items: (value?.[key] as Data[] | undefined) ?? [], viaNodes: true });
    } else if (sel.name.value === "edges" && edgeType && sel.selectionSet) {
      const edges = (value?.[key] as Data[] | undefined) ?? [];
      for (const inner of fieldsOn(walk, sel.selectionSet, edgeType)) {
        if (inner.name.value !== "node") continue;
        const nodeKey = inner.alias?.value ?? "node";
        out.push({ set: inner.selectionSet, items: edges.map((e) => (e?.[nodeKey] as Data) ?? null), viaNodes: false });
      }
    }
  }
  return out;
}

function connectionNodeType(conn: GraphQLObjectType): GraphQLCompositeType {
  const edges = conn.getFields().edges;
  return getNamedType(conn.getFields().nodes?.type ?? (getNamedType(edges!.type) as GraphQLObjectType).getFields().node!.type) as GraphQLCompositeType;
}

function requestedConnectionCost(walk: Walk, field: FieldNode, conn: GraphQLObjectType): number {
  const nodeType = connectionNodeType(conn);
  const nodeOwn = isLeafType(nodeType) ? 0 : 1;
  let node = 0;
  for (const s of nodeSelections(walk, field, conn, undefined)) node += nodeOwn + selectionCost(walk, s.set, nodeType, undefined, false);
  return CONNECTION_BASE_COST + connectionSize(pageSize(walk, field)) * node;
}

function connectionCost(walk: Walk, field: FieldNode, parent: GraphQLObjectType, conn: GraphQLObjectType, value: unknown, actual: boolean): number {
  if (!actual) return requestedConnectionCost(walk, field, conn);
  if (value === null || value === undefined) return CONNECTION_BASE_COST;
  const first = pageSize(walk, field);
  const selections = nodeSelections(walk, field, conn, value as Record<string, unknown>);
  const returned = Math.max(0, ...selections.map((s) => s.items.length));
  if (returned === 0) return CONNECTION_BASE_COST + (selections.some((s) => s.viaNodes) ? connectionSize(first) : 0);
  if (walk.inNodeLookup && FULL_PAGE_IN_NODE_LOOKUP.has(`${parent.name}.${field.name.value}`)) return requestedConnectionCost(walk, field, conn);
  const nodeType = connectionNodeType(conn);
  const nodeOwn = isLeafType(nodeType) ? 0 : 1;
  let node = 0;
  for (const s of selections) {
    const costs = s.items.filter((d) => d).map((d) => selectionCost(walk, s.set, nodeType, d, true));
    node += nodeOwn + (costs.length ? Math.max(...costs) : 0);
  }
  return CONNECTION_BASE_COST + returnedPageCost(connectionSize(first || returned), returned, Math.max(first, returned), node);
}

/**
 * What `returned` of a page of `page` nodes (each `node` points, the page weighing `size`) costs
 * beyond the connection's base: their share ⌈size × returned / page × node⌉, and one point more
 * when that share is below one whole node (size × returned < page). The extra point is fitted to
 * the recorded partial pages Shopify charged above their share, e.g. CostShape351
 * (`inventoryLevels(first: 5)`, 1 level of 3 points: 3, share 2), CostShape94 (`variants(first:
 * 10)`, 1 of 3 points: 3), CostShape86 (`metafields(first: 10)`, 1 of 1 point: 2), CostShape102
 * (`bulkOperations(first: 10)`, 2 of 1: 2), CostShape24 and CostShape45 (first 5, 1 of 1: 2),
 * CostShape128 (first 5, 1 of 2: 3). Never kinder: recorded pages of that kind that Shopify
 * charged at their share alone (e.g. CostShape37, CostShape62, the order-edit line items
 * CostShape25 …) are over-charged by 1 (docs/decisions/016 §1, amended 2026-12-06).
 */
function returnedPageCost(size: number, returned: number, page: number, node: number): number {
  const share = Math.ceil((size * returned * node) / page);
  const belowOneNode = returned < page && size * returned < page;
  return belowOneNode ? share + 1 : share;
}

function fieldCost(walk: Walk, field: FieldNode, parent: GraphQLObjectType, parentData: Data, actual: boolean, isRoot: boolean): number {
  const def = fieldDefinition(parent, field.name.value);
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named)) return 0;
  const type = named as GraphQLCompositeType;
  const value = actual ? parentData?.[field.alias?.value ?? field.name.value] : undefined;
  if (isConnection(type)) return connectionCost(walk, field, parent, type, value, actual);
  const own = ownCost(parent, type, isRoot);
  if (!actual) return own + selectionCost(walk, field.selectionSet, type, undefined, false);
  if (value === null || value === undefined) return own;
  if (Array.isArray(value)) {
    const costs = (value as Data[]).filter((d) => d).map((d) => selectionCost(walk, field.selectionSet, type, d, true));
    return own + (costs.length ? Math.max(...costs) : 0);
  }
  return own + selectionCost(walk, field.selectionSet, type, value as Data, true);
}

function operationCost(input: CostInput, data: Data, actual: boolean): number {
  const walk: Walk = { schema: input.schema, fragments: input.fragments, variables: input.variables };
  const root = input.schema.getRootType(input.operation.operation);
  if (!root) return 0;
  let sum = 0;
  for (const field of fieldsOn(walk, input.operation.selectionSet, root)) {
    if (input.operation.operation !== "mutation") {
      walk.inNodeLookup = NODE_LOOKUP_FIELDS.has(field.name.value);
      sum += fieldCost(walk, field, root, data, actual, true);
      walk.inNodeLookup = false;
      continue;
    }
    const def = fieldDefinition(root, field.name.value);
    if (!def) continue;
    sum += MUTATION_BASE_COST;
    const payloadType = getNamedType(def.type);
    if (isLeafType(payloadType)) continue;
    const payload = actual ? (data?.[field.alias?.value ?? field.name.value] as Data) : undefined;
    if (actual && !payload) continue;
    sum += selectionCost(walk, field.selectionSet, payloadType as GraphQLCompositeType, payload, actual);
  }
  return input.operation.operation === "query" ? Math.max(1, sum) : sum;
}

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function requestedQueryCost(input: CostInput): number {
  return operationCost(input, undefined, false);
}

export function actualQueryCost(input: CostInput, data: unknown): number {
  return operationCost(input, (data ?? null) as Data, true);
}
