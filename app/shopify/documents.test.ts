import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchema } from "../../sandbox/schemas";
import { ALL_DOCUMENTS } from "./documents";

describe("Safestock's Admin GraphQL documents", () => {
  it.each(Object.entries(ALL_DOCUMENTS))("%s is valid against the official 2026-10 schema", (_name, document) => {
    const errors = validate(adminSchema(), parse(document));
    expect(errors.map((error) => error.message)).toEqual([]);
  });
});
