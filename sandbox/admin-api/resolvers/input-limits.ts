/**
 * Input arrays are capped at 250 items (shopify.dev/docs/api/usage/limits#input-limits). Shopify
 * checks this before running anything: the recorded answers hold only `errors` — no `data` — and a
 * cost block with `actualQueryCost: null` (airhorns/shopify-draft-proxy
 * fixtures/conformance/harry-test-heelo.myshopify.com/2026-04/media/media-file-create-batch-size-limit.json:
 * `The input array size of 251 is greater than the maximum allowed of 250.`, code
 * `MAX_INPUT_SIZE_EXCEEDED`, `locations` of the field, `path [<field>, <argument>, …]`; every
 * offending field is listed, …/2026-04/orders/draftOrder-line-items-max.json). Some roots Shopify
 * caps differently (draft order line items 499, productVariantsBulkCreate 2048); the sandbox
 * emulates none of them, so one limit applies.
 */
import {
  getArgumentValues,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { ShopifyError } from "../errors.js";

export const MAX_INPUT_ARRAY_SIZE = 250;

interface LimitInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function unwrapInput(type: GraphQLInputType): GraphQLInputType {
  return isNonNullType(type) ? (type.ofType as GraphQLInputType) : type;
}

/** Every list in `value` (typed `type`) longer than the limit, with its path below the argument. */
function oversizedLists(value: unknown, type: GraphQLInputType, path: string[], out: { path: string[]; size: number }[]): void {
  if (value === null || value === undefined) return;
  const t = unwrapInput(type);
  if (isListType(t)) {
    if (!Array.isArray(value)) return;
    if (value.length > MAX_INPUT_ARRAY_SIZE) out.push({ path, size: value.length });
    value.forEach((item, i) => oversizedLists(item, t.ofType as GraphQLInputType, [...path, String(i)], out));
    return;
  }
  if (isInputObjectType(t) && typeof value === "object") {
    for (const [name, field] of Object.entries(t.getFields())) {
      oversizedLists((value as Record<string, unknown>)[name], field.type, [...path, name], out);
    }
  }
}

/** The MAX_INPUT_SIZE_EXCEEDED errors of a (valid, coerced) operation; empty when within limits. */
export function inputSizeErrors({ schema, operation, fragments, variables }: LimitInput): ShopifyError[] {
  const errors: ShopifyError[] = [];
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return errors;

  const visit = (selectionSet: SelectionSetNode, parentName: string, seen: Set<string>) => {
    const parent = schema.getType(parentName);
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (fragment && !seen.has(fragment.name.value)) visit(fragment.selectionSet, fragment.typeCondition.name.value, new Set([...seen, fragment.name.value]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, selection.typeCondition?.name.value ?? parentName, seen);
        continue;
      }
      if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[selection.name.value];
      if (!field) continue;
      checkField(field, selection);
      if (selection.selectionSet) visit(selection.selectionSet, getNamedType(field.type).name, seen);
    }
  };

  const checkField = (field: GraphQLField<unknown, unknown>, node: FieldNode) => {
    if (field.args.length === 0 || !node.arguments?.length) return;
    const values = getArgumentValues(field, node, variables);
    const found: { path: string[]; size: number }[] = [];
    for (const arg of field.args) oversizedLists(values[arg.name], arg.type, [arg.name], found);
    for (const { path, size } of found) {
      errors.push({
        message: `The input array size of ${size} is greater than the maximum allowed of ${MAX_INPUT_ARRAY_SIZE}.`,
        locations: node.loc ? [{ line: node.loc.startToken.line, column: node.loc.startToken.column }] : undefined,
        path: [node.name.value, ...path],
        extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
      });
    }
  };

  visit(operation.selectionSet, root.name, new Set());
  return errors;
}
