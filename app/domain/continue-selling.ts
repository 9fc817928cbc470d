/**
 * Items that keep selling when out of stock (Shopify `inventoryPolicy: CONTINUE`: preorders,
 * backorders). "Customers can buy this product variant after it's out of stock"
 * (https://shopify.dev/docs/api/admin-graphql/latest/enums/ProductVariantInventoryPolicy): Shopify
 * lets their `available` go below zero, so a channel number of 0 means "none on hand", not "stop
 * selling". The checkout Function never blocks them and no sale of theirs counts as oversold
 * (docs/decisions/019). A policy may still protect their on-hand units: the units stay out of every
 * channel's number, and orders beyond what is available become backorders. These lines say so
 * wherever the numbers are explained; they withhold nothing (0 units).
 */
import type { ExplainLine } from "./types";

export const CONTINUE_SELLING_RULE = "continue_selling";

/** The line a continue-selling item's channel numbers carry. */
export function continueSellingChannelLine(): ExplainLine {
  return {
    rule: CONTINUE_SELLING_RULE,
    scope: "variant",
    units: 0,
    reason: "keeps selling when out of stock: checkout never blocks it, and sales past this number are backorders, not oversells",
  };
}

/** The line a continue-selling item's level carries when the policy protects units there. */
export function continueSellingLevelLine(protectedUnits: number): ExplainLine {
  return {
    rule: CONTINUE_SELLING_RULE,
    scope: "variant",
    units: 0,
    reason: `keeps selling when out of stock: the ${protectedUnits} protected ${protectedUnits === 1 ? "unit stays" : "units stay"} on the shelf for your rules, and orders past what is available become backorders`,
  };
}

/** Explanation lines with the continue-selling line added (unchanged for other items). */
export function withContinueSelling(lines: readonly ExplainLine[], continueSelling: boolean, protectedUnits?: number): readonly ExplainLine[] {
  if (!continueSelling) return lines;
  if (protectedUnits === undefined) return [...lines, continueSellingChannelLine()];
  return protectedUnits > 0 ? [...lines, continueSellingLevelLine(protectedUnits)] : lines;
}
