import { describe, expect, it } from "vitest";
import { testShop } from "../test-helpers.js";

const SET = `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { id namespace key value type compareDigest } userErrors { field message code elementIndex } } }`;

describe("metafieldsSet", () => {
  it("creates under $app, then CAS by compareDigest: matching updates, stale → STALE_OBJECT", async () => {
    const t = testShop({ apiClientId: "12345" });
    const { variantId } = t.variantBySku("RING-7");
    const row = { ownerId: variantId, namespace: "$app:safestock", key: "channel_ats", type: "json", value: '{"web":5}' };
    const created = await t.gql(SET, { m: [{ ...row, compareDigest: null }] });
    const mf = created.data.metafieldsSet.metafields[0];
    expect(mf).toMatchObject({ namespace: "app--12345--safestock", key: "channel_ats", value: '{"web":5}' });
    const updated = await t.gql(SET, { m: [{ ...row, value: '{"web":4}', compareDigest: mf.compareDigest }] });
    expect(updated.data.metafieldsSet.userErrors).toEqual([]);
    expect(updated.data.metafieldsSet.metafields[0].id).toBe(mf.id);
    expect(updated.data.metafieldsSet.metafields[0].compareDigest).not.toBe(mf.compareDigest);
    const stale = await t.gql(SET, { m: [{ ...row, value: '{"web":3}', compareDigest: mf.compareDigest }] });
    expect(stale.data.metafieldsSet).toEqual({
      metafields: [],
      userErrors: [{ field: ["metafields", "0"], message: "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.", code: "STALE_OBJECT", elementIndex: 0 }],
    });
    const read = await t.gql(`query($id: ID!) { productVariant(id: $id) { metafield(namespace: "$app:safestock", key: "channel_ats") { value jsonValue } } }`, { id: variantId });
    expect(read.data.productVariant.metafield).toEqual({ value: '{"web":4}', jsonValue: { web: 4 } });
  });

  it("digest for a missing row → INVALID_COMPARE_DIGEST; 26 inputs → metafields null; other app's namespace → APP_NOT_AUTHORIZED", async () => {
    const t = testShop();
    const { variantId } = t.variantBySku("RING-7");
    const bad = await t.gql(SET, { m: [{ ownerId: variantId, namespace: "$app:x", key: "k1", type: "number_integer", value: "1", compareDigest: "abc" }] });
    expect(bad.data.metafieldsSet.userErrors).toEqual([{ field: ["metafields", "0"], message: "Invalid `compareDigest` value.", code: "INVALID_COMPARE_DIGEST", elementIndex: 0 }]);
    const many = Array.from({ length: 26 }, (_, i) => ({ ownerId: variantId, namespace: "$app:x", key: `k${i + 10}`, type: "number_integer", value: "1" }));
    const res = await t.gql(SET, { m: many });
    expect(res.data.metafieldsSet).toEqual({
      metafields: null,
      userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null }],
    });
    const other = await t.gql(SET, { m: [{ ownerId: variantId, namespace: "app--999--x", key: "k1", type: "number_integer", value: "1" }] });
    expect(other.data.metafieldsSet.userErrors[0]).toMatchObject({ message: "Access to this namespace and key on Metafields for this resource type is not allowed.", code: "APP_NOT_AUTHORIZED" });
    expect(t.shop.state.metafields.size).toBe(0);
  });

  it("the same namespace+key twice: both applied in order, same id, last wins", async () => {
    const t = testShop();
    const { variantId } = t.variantBySku("RING-7");
    const res = await t.gql(SET, { m: [1, 2].map((v) => ({ ownerId: variantId, namespace: "$app:x", key: "kk", type: "number_integer", value: String(v) })) });
    const [a, b] = res.data.metafieldsSet.metafields;
    expect(a.id).toBe(b.id);
    expect([a.value, b.value]).toEqual(["1", "2"]);
    expect([...t.shop.state.metafields.values()].map((m) => m.value)).toEqual(["2"]);
  });
});

const PUBLISH = `mutation($id: ID!, $input: [PublicationInput!]!) { publishablePublish(id: $id, input: $input) { publishable { ... on Product { id publishedOnPublication(publicationId: "PUB") } } userErrors { field message } } }`;

describe("publishablePublish / publishableUnpublish", () => {
  it("unpublishes and republishes a product on a channel, emitting product.updated", async () => {
    const t = testShop();
    const market = [...t.shop.state.publications.values()].find((p) => p.channelHandle === "marketplace")!;
    const product = [...t.shop.state.products.values()].find((p) => p.handle === "gold-ring")!;
    const un = await t.gql(
      `mutation($id: ID!, $input: [PublicationInput!]!) { publishableUnpublish(id: $id, input: $input) { publishable { ... on Product { id } } userErrors { field message } } }`,
      { id: product.id, input: [{ publicationId: market.id }] },
    );
    expect(un.data.publishableUnpublish.userErrors).toEqual([]);
    expect(product.id in market.published).toBe(false);
    expect(t.events.map((e) => e.type)).toEqual(["product.updated"]);
    const re = await t.gql(PUBLISH.replace("PUB", market.id), { id: product.id, input: [{ publicationId: market.id }] });
    expect(re.data.publishablePublish).toEqual({ publishable: { id: product.id, publishedOnPublication: true }, userErrors: [] });
    const rp = await t.gql(`query($id: ID!) { product(id: $id) { resourcePublications(first: 10) { nodes { isPublished publication { id name } } } } }`, { id: product.id });
    expect(rp.data.product.resourcePublications.nodes.map((n: { publication: { name: string } }) => n.publication.name)).toEqual(["Online Store", "Point of Sale", "Marketplace", "Wholesale"]);
  });

  it("unknown product → publishable null; input errors keep the publishable and change nothing", async () => {
    const t = testShop();
    const pub = [...t.shop.state.publications.values()][0]!;
    const product = [...t.shop.state.products.values()].find((p) => p.handle === "ceramic-mug")!;
    const missing = await t.gql(PUBLISH.replace("PUB", pub.id), { id: "gid://shopify/Product/1", input: [{ publicationId: pub.id }] });
    expect(missing.data.publishablePublish).toEqual({ publishable: null, userErrors: [{ field: ["id"], message: "Resource does not exist" }] });
    const wholesale = [...t.shop.state.publications.values()].find((p) => p.channelHandle === "wholesale")!;
    const errs = await t.gql(PUBLISH.replace("PUB", wholesale.id), { id: product.id, input: [{ publicationId: wholesale.id }, { publicationId: wholesale.id }, { publicationId: "gid://shopify/Publication/1" }] });
    expect(errs.data.publishablePublish.userErrors).toEqual([
      { field: ["input", "1", "publicationId"], message: "The same publication was specified more than once" },
      { field: ["input", "2", "publicationId"], message: "Publication does not exist or is not publishable" },
    ]);
    expect(errs.data.publishablePublish.publishable.publishedOnPublication).toBe(false);
    const empty = await t.gql(PUBLISH.replace("PUB", wholesale.id), { id: product.id, input: [{ publicationId: "" }] });
    expect(empty.errors[0]).toMatchObject({ extensions: { code: "INVALID_VARIABLE", problems: [{ path: [0, "publicationId"], explanation: "Invalid global id ''" }] } });
    expect(t.events).toHaveLength(0);
  });
});

describe("metafieldsSet value size limits (shopify.dev/docs/apps/build/metafields/metafield-limits; changelog reduced-metafield-value-sizes)", () => {
  const SET = `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { id } userErrors { field message code elementIndex } } }`;
  it.each([
    ["json", 128 * 1024, (n: number) => JSON.stringify("x".repeat(n - 2))],
    ["single_line_text_field", 64 * 1024, (n: number) => "x".repeat(n)],
    ["url", 2 * 1024, (n: number) => `https://e.x/${"x".repeat(n - 12)}`],
  ])("%s: %i bytes accepted, one more refused TOO_LONG and nothing written (atomic)", async (type, limit, valueOf) => {
    const t = testShop();
    const ownerId = t.variantBySku("RING-7").variantId;
    const input = (bytes: number) => [{ ownerId, namespace: "custom", key: "big", type, value: valueOf(bytes) }];
    const fits = await t.gql(SET, { m: input(limit) });
    expect(fits.data.metafieldsSet.userErrors).toEqual([]);
    const over = await t.gql(SET, { m: input(limit + 1) });
    expect(over.data.metafieldsSet.metafields).toEqual([]);
    expect(over.data.metafieldsSet.userErrors).toEqual([
      { field: ["metafields", "0", "value"], code: "TOO_LONG", elementIndex: 0, message: `Value is too long: ${limit + 1} bytes exceeds the limit of ${limit} bytes for type ${type}.` },
    ]);
  });
});

/** Two root fields in one mutation, as Safestock's SafestockApplyLevels sends them. */
const MOVE_AND_SET = `mutation($input: InventoryMoveQuantitiesInput!, $key: String!, $m: [MetafieldsSetInput!]!) {
  inventoryMoveQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { id } userErrors { field message code } }
  metafieldsSet(metafields: $m) { metafields { id compareDigest } userErrors { field message code elementIndex } }
}`;

describe("a move and metafieldsSet in one mutation", () => {
  // Root mutation fields execute serially, each on its own: one field's refusal does not stop the
  // next (https://spec.graphql.org/October2021/#sec-Mutation, #sec-Handling-Field-Errors); each
  // mutation field costs 10 plus its payload (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits).
  const moveInput = (t: ReturnType<typeof testShop>, changeFromQuantity: number) => {
    const { itemId } = t.variantBySku("RING-7");
    const locationId = t.location("Warehouse");
    return {
      reason: "safety_stock",
      referenceDocumentUri: "safestock://policy/1",
      changes: [
        {
          inventoryItemId: itemId,
          quantity: 2,
          from: { locationId, name: "available", changeFromQuantity },
          to: { locationId, name: "safety_stock", changeFromQuantity: 0, ledgerDocumentUri: "safestock://policy/1" },
        },
      ],
    };
  };
  const numbers = (t: ReturnType<typeof testShop>, value: string) => [{ ownerId: t.variantBySku("RING-7").variantId, namespace: "safestock", key: "channels", type: "json", value }];

  it("both applied: the move, then the metafield; cost = 10 + 10 requested and actual", async () => {
    const t = testShop();
    const available = t.level("RING-7", "Warehouse").available!;
    const res = await t.gql(MOVE_AND_SET, { input: moveInput(t, available), key: "k-both", m: numbers(t, '{"a":1}') });
    expect(res.data.inventoryMoveQuantities.userErrors).toEqual([]);
    expect(res.data.metafieldsSet.userErrors).toEqual([]);
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available: available - 2, safety_stock: 2 });
    expect([...t.shop.state.metafields.values()].map((m) => m.value)).toEqual(['{"a":1}']);
    expect(res.extensions.cost).toMatchObject({ requestedQueryCost: 20, actualQueryCost: 20 });
  });

  it("a stale move does not stop the metafieldsSet after it: the numbers land, the level is unchanged", async () => {
    const t = testShop();
    const available = t.level("RING-7", "Warehouse").available!;
    const res = await t.gql(MOVE_AND_SET, { input: moveInput(t, available + 1), key: "k-stale", m: numbers(t, '{"a":2}') });
    expect(res.data.inventoryMoveQuantities).toMatchObject({ inventoryAdjustmentGroup: null, userErrors: [{ code: "CHANGE_FROM_QUANTITY_STALE" }] });
    expect(res.data.metafieldsSet.userErrors).toEqual([]);
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available, safety_stock: 0 });
    expect([...t.shop.state.metafields.values()].map((m) => m.value)).toEqual(['{"a":2}']);
    // The refused move costs its 10 (no group returned), the metafieldsSet its own 10 (docs/decisions/016 §1).
    expect(res.extensions.cost).toMatchObject({ requestedQueryCost: 20, actualQueryCost: 20 });
  });
});
