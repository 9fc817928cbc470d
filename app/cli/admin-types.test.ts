import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ADMIN_SCHEMA_FILE } from "../../sandbox/schemas";
import { ADMIN_TYPES_FILE, renderAdminTypes } from "./admin-types";

describe("generated Admin API types", () => {
  it("match today's documents and the vendored 2026-10 schema (run `npm run codegen` after changing a document)", async () => {
    expect(readFileSync(ADMIN_TYPES_FILE, "utf8")).toBe(await renderAdminTypes(ADMIN_SCHEMA_FILE));
  }, 60_000);

  it("type a document's variables and result from the schema, not by hand", () => {
    const generated = readFileSync(ADMIN_TYPES_FILE, "utf8");
    // inventoryMoveQuantities' userError codes come from Shopify's enum, so a misspelt code is a type error.
    expect(generated).toMatch(/export type SafestockMoveQuantitiesMutation = \{ inventoryMoveQuantities: .*code: InventoryMoveQuantitiesUserErrorCode \| null/);
    expect(generated).toContain("'CHANGE_FROM_QUANTITY_STALE'");
  });
});
