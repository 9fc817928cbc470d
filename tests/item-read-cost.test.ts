/**
 * What the emulator charges Safestock's own reads of items and their levels
 * (sandbox/admin-api/cost.ts, docs/decisions/016 §1 amended 2026-12-06). Expected figures are
 * worked by hand from the rules, not taken from the model:
 * - an item: its own point 1 + variants(first: 1) 8 (2 + 1 × (variant 1 + productParents
 *   2 + size(1) = 3 + product 1 + metafield 1)) + levels;
 * - levels read through nodes(ids:): the full requested page, 2 + size(250) 11 × (level 1 +
 *   location 1 + quantities 1) = 35, so 1 + 8 + 35 = 44 for one item or twenty (`nodes(ids:)` is
 *   charged once, like one object);
 * - levels on a catalog page: 3 of 250 pro rata, ⌈11 × 3 ÷ 250 × 3⌉ = 1, plus 1 because that share
 *   is below one level (11 × 3 < 250): 2 + 2 = 4; an item 1 + 8 + 4 = 13; a page of 10 of 10:
 *   2 + size(10) 4 × 13 = 54;
 * - the same item read with the shop-sized page of 3 levels (levelPagingFor(3)): levels
 *   2 + size(3) ⌊2·ln 3⌋ = ⌊2.197⌋ = 2 × 3 = 8, charged whole through nodes(ids:): 1 + 8 + 8 = 17;
 * - SafestockChannelNumbers (the channel numbers alone, by variant id, docs/decisions/043):
 *   nodes(ids:) 1 (a list, charged once whatever the number of ids) + on ProductVariant:
 *   `id` 0 + metafield 1 (an object; a null one still costs its own point) = 2, requested and
 *   actual; a node that answered null (a deleted variant) costs nothing beyond the list's 1.
 * - SafestockProductsOnPublication (is each product on a fenced channel, docs/decisions/045):
 *   nodes(ids:) 1 (charged once) + on Product: `id` 0 + publishedOnPublication 0 (a Boolean
 *   scalar: scalars cost nothing, even with an argument) = 1, requested and actual, for 1 or 250
 *   products. The item read itself is unchanged (17 at 3 locations).
 */
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { CATALOG_PAGE_QUERY, CHANNEL_NUMBERS_QUERY, ITEM_LEVELS_QUERY, LEVELS_PER_PAGE, PRODUCTS_ON_PUBLICATION_QUERY } from "~/shopify/documents";
import { actualQueryCost, requestedQueryCost, type CostInput } from "../sandbox/admin-api/cost";
import { adminSchema } from "../sandbox/schemas/index";

function costInput(query: string, variables: Record<string, unknown>): CostInput {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return { schema: adminSchema(), operation, fragments, variables };
}

const level = { id: "gid://shopify/InventoryLevel/1", location: { id: "gid://shopify/Location/1", name: "L", isActive: true }, quantities: [{ name: "available", quantity: 1 }] };

function item(n: number): Record<string, unknown> {
  return {
    __typename: "InventoryItem",
    id: `gid://shopify/InventoryItem/${n}`,
    variants: { nodes: [{ id: "v", productParents: { nodes: [] }, product: { id: "p" }, metafield: null }] },
    inventoryLevels: { nodes: [level, level, level], pageInfo: {} },
  };
}

const ids = (count: number): string[] => Array.from({ length: count }, (_, i) => `gid://shopify/InventoryItem/${i + 1}`);

describe("the emulator's charge for Safestock's item reads (3 levels per item)", () => {
  it.each([1, 20])("SafestockItemLevels with %i item(s): 44 requested and 44 actual", (count) => {
    const input = costInput(ITEM_LEVELS_QUERY, { ids: ids(count), levelsPerPage: LEVELS_PER_PAGE });
    expect(LEVELS_PER_PAGE).toBe(250);
    expect(requestedQueryCost(input)).toBe(44);
    expect(actualQueryCost(input, { nodes: ids(count).map((_, i) => item(i + 1)) })).toBe(44);
  });

  it("SafestockCatalogPage of 10 items: levels pro rata, 54 actual", () => {
    const input = costInput(CATALOG_PAGE_QUERY, { first: 10, levelsPerPage: LEVELS_PER_PAGE });
    const data = { inventoryItems: { nodes: ids(10).map((_, i) => item(i + 1)), pageInfo: {} } };
    expect(actualQueryCost(input, data)).toBe(54);
  });

  it.each([1, 20])("SafestockItemLevels with %i item(s) and a page of 3 levels: 17 requested and 17 actual", (count) => {
    const input = costInput(ITEM_LEVELS_QUERY, { ids: ids(count), levelsPerPage: 3 });
    expect(requestedQueryCost(input)).toBe(17);
    expect(actualQueryCost(input, { nodes: ids(count).map((_, i) => item(i + 1)) })).toBe(17);
  });
});

const variantIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `gid://shopify/ProductVariant/${i + 1}`);

describe("the emulator's charge for reading the channel numbers alone", () => {
  it.each([1, 25, 250])("SafestockChannelNumbers with %i variant(s): 2 requested and 2 actual", (count) => {
    const input = costInput(CHANNEL_NUMBERS_QUERY, { ids: variantIds(count) });
    expect(requestedQueryCost(input)).toBe(2);
    const numbers = variantIds(count).map((id, i) => ({ id, metafield: i % 2 === 0 ? { id: `gid://shopify/Metafield/${i + 1}`, value: "{}", compareDigest: "d" } : null }));
    expect(actualQueryCost(input, { nodes: numbers })).toBe(2);
  });

  it("a variant deleted since answers null: 1 for the list, 2 with one variant still there", () => {
    const input = costInput(CHANNEL_NUMBERS_QUERY, { ids: variantIds(2) });
    expect(actualQueryCost(input, { nodes: [null, null] })).toBe(1);
    expect(actualQueryCost(input, { nodes: [null, { id: variantIds(2)[1], metafield: null }] })).toBe(2);
  });
});

const productIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `gid://shopify/Product/${i + 1}`);

describe("the emulator's charge for reading whether products are on a fenced channel (docs/decisions/045)", () => {
  it.each([1, 250])("SafestockProductsOnPublication with %i product(s): 1 requested and 1 actual", (count) => {
    const input = costInput(PRODUCTS_ON_PUBLICATION_QUERY, { ids: productIds(count), publicationId: "gid://shopify/Publication/2" });
    expect(requestedQueryCost(input)).toBe(1);
    expect(actualQueryCost(input, { nodes: productIds(count).map((id, i) => ({ __typename: "Product", id, publishedOnPublication: i % 2 === 0 })) })).toBe(1);
  });
});
