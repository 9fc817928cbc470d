import { describe, expect, it } from "vitest";
import { levelPagingFor } from "./inventory.server";

// The levels page follows the shop's location count, within Shopify's page limits (1–250):
// docs/decisions/016 §1 (amended 2026-12-06) on what a levels page reached through nodes(ids:) costs.
describe("levelPagingFor", () => {
  it("asks for one page of exactly the shop's locations", () => {
    expect(levelPagingFor(3)).toEqual({ levelsPerPage: 3 });
    expect(levelPagingFor(1)).toEqual({ levelsPerPage: 1 });
  });

  it("never asks for an empty page or more than Shopify's largest", () => {
    expect(levelPagingFor(0)).toEqual({ levelsPerPage: 1 });
    expect(levelPagingFor(1_000)).toEqual({ levelsPerPage: 250 });
  });
});
