/**
 * Cart and checkout validations, as the 2026-10 Admin schema (sandbox/schemas/admin_2026-10.json.gz)
 * defines them: `validationCreate(validation: ValidationCreateInput!)`, `validations` and
 * `validation(id:)`, the `Validation` and `ShopifyFunction` objects.
 *
 * - validationCreate "Requires `write_validations` access scope"; the Function is named by
 *   `functionId` or `functionHandle` (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/validationCreate).
 *   Neither → MISSING_FUNCTION_IDENTIFIER, both → MULTIPLE_FUNCTION_IDENTIFIERS, a Function the
 *   calling app did not deploy → FUNCTION_NOT_FOUND, one of another API → FUNCTION_DOES_NOT_IMPLEMENT
 *   (ValidationUserErrorCode values of the schema; the message texts are [unconfirmed]).
 * - Input defaults from the schema: `enable: false` ("Whether the validation should be live on the
 *   merchant checkout"), `blockOnFailure: false`; `title` defaults to the Function's title.
 * - At most 25 validations may be active ("MAX_VALIDATIONS_ACTIVATED";
 *   https://shopify.dev/docs/apps/build/checkout/cart-checkout-validation: "up to 25").
 * - validationUpdate(id:, validation: ValidationUpdateInput!) "Updates a cart and checkout
 *   validation … rename it, toggle whether it's enabled at checkout, change its `blockOnFailure`
 *   behavior" (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/validationUpdate).
 *   The input's schema defaults apply as written: `enable` and `blockOnFailure` default to false
 *   (https://shopify.dev/docs/api/admin-graphql/latest/input-objects/ValidationUpdateInput), so an
 *   update that leaves out `enable` switches the validation off; a missing `title` keeps it.
 *   Enabling one when 25 are active is MAX_VALIDATIONS_ACTIVATED, as at create.
 * - validationDelete(id:) "Deletes a cart and checkout validation, removing its rule from the
 *   shop's checkout" and answers `deletedId`
 *   (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/validationDelete).
 * - Both answer NOT_FOUND ("Validation not found.", the schema's description of the code) for an
 *   unknown id, and for another app's validation ([unconfirmed]: whether Shopify lets an app change
 *   another app's validation is not documented; the emulator does not).
 * - The checkout (sandbox/checkout/index.ts) runs a validation's Function only while it is enabled.
 *
 * The emulated app has deployed one Function: extensions/safestock-cart-validation (its toml's
 * handle, target `cart.validations.generate.run`, API 2026-10). Its id is derived from the app and
 * handle, stable across runs, as a deployed Function's id is.
 */
import { createHash } from "node:crypto";
import type { ShopState, ShopifyFunctionRecord, ValidationRecord } from "../../shop/state.js";
import { gid, idKeyOf } from "../../shop/ids.js";
import { nextLegacyId } from "../../shop/state.js";
import type { ApiContext } from "../context.js";
import { connection, defineType, plain, requireGid, type Args, type ResolverMap } from "../resolvers/common.js";

/** The cart-validation Function of extensions/safestock-cart-validation/shopify.extension.toml. */
export const CART_VALIDATION_FUNCTION = { handle: "safestock-cart-validation", title: "Safestock stock check", apiType: "cart_checkout_validation", apiVersion: "2026-10" } as const;

const MAX_ACTIVE_VALIDATIONS = 25;

/** What an app has deployed, keyed by Function id (a UUID-shaped id, as Shopify's are). */
export function deployAppFunctions(state: ShopState, appKey: string): void {
  const hex = createHash("sha256").update(`${appKey}/${CART_VALIDATION_FUNCTION.handle}`).digest("hex");
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  const record: ShopifyFunctionRecord = { id, appKey, ...CART_VALIDATION_FUNCTION };
  state.shopifyFunctions.set(id, record);
}

interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

function findFunction(ctx: ApiContext, input: { functionId?: string | null; functionHandle?: string | null }): ShopifyFunctionRecord | UserError {
  const byId = input.functionId ?? null;
  const byHandle = input.functionHandle ?? null;
  if (byId === null && byHandle === null) return { field: ["validation", "functionHandle"], message: "Either function_id or function_handle must be provided.", code: "MISSING_FUNCTION_IDENTIFIER" };
  if (byId !== null && byHandle !== null) return { field: ["validation", "functionHandle"], message: "Only one of function_id or function_handle can be provided, not both.", code: "MULTIPLE_FUNCTION_IDENTIFIERS" };
  const own = [...ctx.state.shopifyFunctions.values()].filter((fn) => fn.appKey === ctx.apiClientId);
  const found = own.find((fn) => (byId !== null ? fn.id === byId : fn.handle === byHandle));
  const field = ["validation", byId !== null ? "functionId" : "functionHandle"];
  if (!found) return { field, message: "Function not found.", code: "FUNCTION_NOT_FOUND" };
  if (found.apiType !== "cart_checkout_validation") return { field, message: "Unexpected Function API. The provided function must implement one of the following extension targets: [cart.validations.generate.run].", code: "FUNCTION_DOES_NOT_IMPLEMENT" };
  return found;
}

function validationCreate(ctx: ApiContext, args: Args) {
  const input = args.validation as { functionId?: string | null; functionHandle?: string | null; enable?: boolean | null; blockOnFailure?: boolean | null; title?: string | null };
  const fn = findFunction(ctx, input);
  if ("code" in fn) return { validation: null, userErrors: [fn] };
  const enabled = input.enable ?? false;
  if (enabled && activeCount(ctx.state) >= MAX_ACTIVE_VALIDATIONS) {
    return { validation: null, userErrors: [{ field: ["validation", "enable"], message: `Cannot have more than ${MAX_ACTIVE_VALIDATIONS} active validation functions.`, code: "MAX_VALIDATIONS_ACTIVATED" }] };
  }
  const record: ValidationRecord = {
    id: gid("Validation", nextLegacyId(ctx.state, "Validation")),
    title: input.title ?? fn.title,
    enabled,
    blockOnFailure: input.blockOnFailure ?? false,
    functionId: fn.id,
    functionHandle: fn.handle,
    appKey: fn.appKey,
  };
  ctx.state.validations.set(record.id, record);
  return { validation: record, userErrors: [] };
}

const activeCount = (state: ShopState, except?: string) => [...state.validations.values()].filter((v) => v.enabled && v.id !== except).length;

function ownValidation(ctx: ApiContext, id: string): ValidationRecord | UserError {
  const found = ctx.state.validations.get(id);
  if (!found || found.appKey !== ctx.apiClientId) return { field: ["id"], message: "Validation not found.", code: "NOT_FOUND" };
  return found;
}

function validationUpdate(ctx: ApiContext, args: Args) {
  const found = ownValidation(ctx, requireGid(args.id));
  if ("code" in found) return { validation: null, userErrors: [found] };
  const input = args.validation as { enable?: boolean | null; blockOnFailure?: boolean | null; title?: string | null };
  const enabled = input.enable ?? false;
  if (enabled && !found.enabled && activeCount(ctx.state, found.id) >= MAX_ACTIVE_VALIDATIONS) {
    return { validation: null, userErrors: [{ field: ["validation", "enable"], message: `Cannot have more than ${MAX_ACTIVE_VALIDATIONS} active validation functions.`, code: "MAX_VALIDATIONS_ACTIVATED" }] };
  }
  found.enabled = enabled;
  found.blockOnFailure = input.blockOnFailure ?? false;
  if (input.title != null) found.title = input.title;
  return { validation: found, userErrors: [] };
}

function validationDelete(ctx: ApiContext, args: Args) {
  const found = ownValidation(ctx, requireGid(args.id));
  if ("code" in found) return { deletedId: null, userErrors: [found] };
  ctx.state.validations.delete(found.id);
  return { deletedId: found.id, userErrors: [] };
}

/**
 * The merchant's side (Shopify admin → Settings → Checkout → Checkout rules): turning a rule off
 * or on, as a merchant may at any time; the app sees only the result, `enabled` in `validations`.
 */
export function setValidationEnabledByMerchant(state: ShopState, id: string, enabled: boolean): void {
  const found = state.validations.get(id);
  if (!found) throw new Error(`no validation ${id}`);
  found.enabled = enabled;
}

export const validationResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    // In id order, as Shopify's connections are by default (sortKey ID), whatever order the
    // records were added in (tests add other apps' rules by hand), so `after:` pages move on.
    validations: (_s, args, ctx) => connection([...ctx.state.validations.values()].sort((a, b) => (idKeyOf(a.id) < idKeyOf(b.id) ? -1 : idKeyOf(a.id) > idKeyOf(b.id) ? 1 : 0)), args),
    validation: (_s, args, ctx) => ctx.state.validations.get(requireGid(args.id)) ?? null,
  }),
  Mutation: defineType<unknown>({
    validationCreate: (_s, args, ctx) => validationCreate(ctx, args),
    validationUpdate: (_s, args, ctx) => validationUpdate(ctx, args),
    validationDelete: (_s, args, ctx) => validationDelete(ctx, args),
  }),
  Validation: defineType<ValidationRecord>({
    ...plain<ValidationRecord>("id", "title", "enabled", "blockOnFailure"),
    shopifyFunction: (v, _a, ctx) => ctx.state.shopifyFunctions.get(v.functionId),
  }),
  ShopifyFunction: defineType<ShopifyFunctionRecord>({
    ...plain<ShopifyFunctionRecord>("id", "handle", "title", "apiType", "apiVersion", "appKey"),
    useCreationUi: () => false,
    description: () => null,
    inputQuery: () => null,
  }),
};
