import { Kind, parse, print, validate, visit, type DocumentNode, type FieldNode, type SelectionSetNode } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchema } from "../../sandbox/schemas";
import { checkBulkQuery } from "../../sandbox/admin-api/mutations/bulk";
import { ALL_BULK_DOCUMENTS, BULK_CATALOG_QUERY } from "./bulk-documents";
import { CATALOG_PAGE_QUERY } from "./documents";

/**
 * A selection set as a canonical string: `edges { node { … } }` read as `nodes { … }`, no `first`,
 * no `pageInfo` (a paged read follows it to the end; a bulk read has every node already).
 */
function canonical(set: SelectionSetNode): string {
  const fields = set.selections
    .filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value !== "pageInfo")
    .map((field) => {
      let inner = field.selectionSet;
      const edges = inner?.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === "edges");
      const node = edges?.selectionSet?.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === "node");
      if (node?.selectionSet) inner = { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: "nodes" }, selectionSet: node.selectionSet }] };
      const args = (field.arguments ?? []).filter((a) => a.name.value !== "first").map((a) => `${a.name.value}:${print(a.value)}`);
      return `${field.name.value}${args.length ? `(${args.join(",")})` : ""}${inner ? `{${canonical(inner)}}` : ""}`;
    });
  return fields.sort().join(" ");
}

function fragmentSelection(document: DocumentNode): SelectionSetNode {
  let found: SelectionSetNode | undefined;
  visit(document, { FragmentDefinition: (node) => void (found = node.selectionSet) });
  return found!;
}

function bulkItemSelection(document: DocumentNode): SelectionSetNode {
  const op = document.definitions[0]!;
  if (op.kind !== Kind.OPERATION_DEFINITION) throw new Error("expected an operation");
  const items = op.selectionSet.selections[0] as FieldNode;
  const edges = items.selectionSet!.selections[0] as FieldNode;
  return (edges.selectionSet!.selections[0] as FieldNode).selectionSet!;
}

describe("Safestock's bulk Admin GraphQL documents", () => {
  it.each(Object.entries(ALL_BULK_DOCUMENTS))("%s is valid against the official 2026-10 schema", (_name, document) => {
    const errors = validate(adminSchema(), parse(document));
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("BULK_CATALOG_QUERY passes Shopify's bulk query rules (connections, nesting, parent ids)", () => {
    expect(checkBulkQuery(BULK_CATALOG_QUERY)).not.toHaveProperty("errors");
  });

  it("BULK_CATALOG_QUERY selects exactly what the paged catalog fragment selects, but a variant's productParents", () => {
    // productParents would be a third connection nested in inventoryItems → variants, past the
    // bulk rules' two: a bulk line leaves it unknown (ShopifyItem.inBundle null, docs/decisions/034).
    const paged = canonical(fragmentSelection(parse(CATALOG_PAGE_QUERY)));
    expect(paged).toContain(" productParents{nodes{id}} ");
    expect(canonical(bulkItemSelection(parse(BULK_CATALOG_QUERY)))).toBe(paged.replace(" productParents{nodes{id}} ", " "));
  });
});
