/**
 * validationUpdate and validationDelete as the 2026-10 schema (sandbox/schemas/admin_2026-10.json.gz)
 * and docs define them, and the documented cap: "You can activate a maximum of 25 validation
 * functions on each store" (https://shopify.dev/docs/api/functions/2026-10/cart-and-checkout-validation).
 * Expected values are the docs' (defaults, codes, the number 25), written out here by hand.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_API_KEY, SANDBOX_API_SECRET } from "../../contract.js";
import { createSandbox, type Sandbox } from "../../index.js";
import { runCheckout } from "../../checkout/index.js";
import { createRunningClock } from "../../shop/clock.js";
import type { SandboxShopEmulator } from "../emulator.js";
import { deployAppFunctions, setValidationEnabledByMerchant } from "./validations.js";

const CREATE = `mutation C($v: ValidationCreateInput!) { validationCreate(validation: $v) { validation { id enabled } userErrors { field message code } } }`;
const UPDATE = `mutation U($id: ID!, $v: ValidationUpdateInput!) { validationUpdate(id: $id, validation: $v) { validation { id title enabled blockOnFailure } userErrors { field message code } } }`;
const DELETE = `mutation D($id: ID!) { validationDelete(id: $id) { deletedId userErrors { field message code } } }`;
const LIST = `{ validations(first: 50) { nodes { id enabled } } }`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { data: Record<string, any> | null; errors?: { extensions?: { code?: string } }[] };
type UserError = { field: string[] | null; message: string; code: string };
let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

function setup() {
  sandbox = createSandbox({
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl: "https://safestock.test",
    deliver: async () => new Response(null, { status: 200 }),
    clock: createRunningClock(),
  });
  sandbox.install();
  const s = sandbox;
  const gql = async (query: string, variables: Record<string, unknown> = {}, token: string = SANDBOX_ADMIN_TOKEN) =>
    (await s.shop().graphql({ query, variables }, token)).body as Answer;
  const create = async (input: Record<string, unknown>, token?: string) =>
    (await gql(CREATE, { v: { functionHandle: "safestock-cart-validation", ...input } }, token)).data!.validationCreate as { validation: { id: string; enabled: boolean } | null; userErrors: UserError[] };
  const update = async (id: string, input: Record<string, unknown>, token?: string) =>
    (await gql(UPDATE, { id, v: input }, token)).data!.validationUpdate as { validation: { id: string; title: string; enabled: boolean; blockOnFailure: boolean } | null; userErrors: UserError[] };
  const remove = async (id: string, token?: string) => (await gql(DELETE, { id }, token)).data!.validationDelete as { deletedId: string | null; userErrors: UserError[] };
  const active = async () => ((await gql(LIST)).data!.validations.nodes as { enabled: boolean }[]).filter((node) => node.enabled).length;
  const variant = s.shop().snapshot().variants.find((v) => v.sku === "RING-6")!.id;
  return { sandbox: s, shop: s.shop() as SandboxShopEmulator, gql, create, update, remove, active, variant };
}

describe("validationUpdate (2026-10)", () => {
  it("re-enables a disabled validation; an update without `enable` switches it off (the input's default is false); a missing title is kept", async () => {
    const t = setup();
    const created = await t.create({ enable: true, title: "Stock check" });
    setValidationEnabledByMerchant(t.shop.state, created.validation!.id, false);
    expect(await t.active()).toBe(0);

    const enabled = await t.update(created.validation!.id, { enable: true });
    expect(enabled).toEqual({ validation: { id: created.validation!.id, title: "Stock check", enabled: true, blockOnFailure: false }, userErrors: [] });
    expect(await t.active()).toBe(1);

    const renamed = await t.update(created.validation!.id, { title: "Renamed", blockOnFailure: true });
    expect(renamed.validation).toMatchObject({ title: "Renamed", enabled: false, blockOnFailure: true });
    expect(await t.active()).toBe(0);
  });

  it("the checkout runs the Function again once it is re-enabled, and not while it is off", async () => {
    const t = setup();
    const value = JSON.stringify({ channels: { online_store: { available: 1, paused: false } } });
    const set = `mutation S($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { code } } }`;
    expect((await t.gql(set, { m: [{ ownerId: t.variant, namespace: "safestock", key: "channels", type: "json", value }] })).data!.metafieldsSet.userErrors).toEqual([]);
    const { validation } = await t.create({ enable: true });
    const lines = [{ variantId: t.variant, quantity: 2 }];
    expect((await runCheckout(t.sandbox, { lines })).errors).toHaveLength(1);
    setValidationEnabledByMerchant(t.shop.state, validation!.id, false);
    expect((await runCheckout(t.sandbox, { lines })).errors).toEqual([]);
    await t.update(validation!.id, { enable: true });
    expect((await runCheckout(t.sandbox, { lines })).errors).toHaveLength(1);
  });

  it("answers NOT_FOUND for an unknown validation and for another app's", async () => {
    const t = setup();
    const other = t.shop.registerApiClient({ apiClientId: "other-app", scopes: ["write_validations"] });
    deployAppFunctions(t.shop.state, "other-app");
    const theirs = await t.create({}, other.accessToken);
    expect(theirs.userErrors).toEqual([]);

    const unknown = await t.update("gid://shopify/Validation/999999", { enable: true });
    expect(unknown).toEqual({ validation: null, userErrors: [{ field: ["id"], message: "Validation not found.", code: "NOT_FOUND" }] });
    expect((await t.update(theirs.validation!.id, { enable: true })).userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    expect((await t.remove(theirs.validation!.id)).userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
  });

  it("needs write_validations", async () => {
    const t = setup();
    const reader = t.shop.registerApiClient({ apiClientId: "reader", scopes: ["read_validations"] });
    const answer = await t.gql(DELETE, { id: "gid://shopify/Validation/1" }, reader.accessToken);
    expect(answer.data?.validationDelete ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions?.code).toBe("ACCESS_DENIED");
  });
});

describe("validationDelete (2026-10)", () => {
  it("removes the validation and answers its id; deleting it again is NOT_FOUND", async () => {
    const t = setup();
    const { validation } = await t.create({ enable: true });
    expect(await t.remove(validation!.id)).toEqual({ deletedId: validation!.id, userErrors: [] });
    expect((await t.gql(LIST)).data!.validations.nodes).toEqual([]);
    expect((await t.remove(validation!.id)).userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
  });
});

describe("at most 25 active validations per store", () => {
  it("a 26th cannot be enabled, by create or update; switching one off makes room", async () => {
    const t = setup();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const created = await t.create({ enable: true, title: `rule ${i}` });
      expect(created.userErrors).toEqual([]);
      ids.push(created.validation!.id);
    }
    expect(await t.active()).toBe(25);
    expect((await t.create({ enable: true })).userErrors.map((e) => e.code)).toEqual(["MAX_VALIDATIONS_ACTIVATED"]);
    // Created off, it exists; enabling it is refused while 25 are active.
    const spare = await t.create({});
    expect(spare.validation?.enabled).toBe(false);
    const refused = await t.update(spare.validation!.id, { enable: true });
    expect(refused.validation).toBeNull();
    expect(refused.userErrors.map((e) => e.code)).toEqual(["MAX_VALIDATIONS_ACTIVATED"]);
    // Re-saving an active one as active is not a 26th.
    expect((await t.update(ids[0]!, { enable: true })).userErrors).toEqual([]);

    await t.update(ids[0]!, { enable: false });
    expect((await t.update(spare.validation!.id, { enable: true })).validation?.enabled).toBe(true);
    expect(await t.active()).toBe(25);
  });
});
