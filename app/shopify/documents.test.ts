import { NoDeprecatedCustomRule, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchema } from "../../sandbox/schemas";
import { ALL_DOCUMENTS } from "./documents";

describe("Safestock's Admin GraphQL documents", () => {
  it.each(Object.entries(ALL_DOCUMENTS))("%s is valid against the official 2026-10 schema", (_name, document) => {
    const errors = validate(adminSchema(), parse(document));
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("use no deprecated field but InventoryItem.variant, which saves 2 points a read (docs/decisions/042)", () => {
    // A field Shopify deprecated may be removed in a later API version: an upgrade of the schema
    // that drops it fails validation above; one that keeps it still shows up here.
    const deprecated = new Set(
      Object.values(ALL_DOCUMENTS).flatMap((document) => validate(adminSchema(), parse(document), [NoDeprecatedCustomRule]).map((error) => error.message)),
    );
    expect([...deprecated]).toEqual(["The field InventoryItem.variant is deprecated. Use `variants` instead."]);
  });
});
