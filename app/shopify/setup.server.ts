/**
 * The Admin API side of switching protection on (app/services/setup.server.ts): read the shop's
 * validations and the app-URL metafield, create the cart-validation rule, write the app's URL.
 */
import type { AdminClient } from "./admin-client.server";
import { APP_URL_SET_MUTATION, SETUP_STATE_QUERY, VALIDATION_CREATE_MUTATION, VALIDATION_UPDATE_MUTATION } from "./documents";
import type {
  SafestockSetAppUrlMutation,
  SafestockSetAppUrlMutationVariables,
  SafestockSetupStateQuery,
  SafestockSetupStateQueryVariables,
  SafestockValidationCreateMutation,
  SafestockValidationCreateMutationVariables,
  SafestockValidationUpdateMutation,
  SafestockValidationUpdateMutationVariables,
} from "./admin-types.generated";

/** extensions/safestock-cart-validation/shopify.extension.toml's handle: validationCreate names the Function by it. */
export const CART_VALIDATION_FUNCTION_HANDLE = "safestock-cart-validation";

/** The app-owned shop metafield the checkout block requests (extensions/safestock-cart-hold/shopify.extension.toml). */
export const APP_URL_METAFIELD = { namespace: "$app:safestock", key: "app_url", type: "single_line_text_field" } as const;

export interface SetupState {
  shopId: string;
  appUrl: string | null;
  /** Safestock's own validations (another app's are not ours to count). */
  validations: { id: string; enabled: boolean }[];
}

/**
 * `ownAppKey`: the app's client id. Another app may deploy a Function with the same handle; its
 * validations are told apart by the Function's `appKey` ("The client ID of the app that owns the
 * Shopify Function", ShopifyFunction in the 2026-10 schema).
 */
export async function readSetupState(client: AdminClient, ownAppKey: string): Promise<SetupState> {
  const ours: SetupState["validations"] = [];
  let after: string | null = null;
  for (;;) {
    const page: SafestockSetupStateQuery = (
      await client.request<SafestockSetupStateQuery>("SafestockSetupState", SETUP_STATE_QUERY, { after } satisfies SafestockSetupStateQueryVariables)
    ).data;
    for (const node of page.validations.nodes) {
      if (node.shopifyFunction.handle === CART_VALIDATION_FUNCTION_HANDLE && node.shopifyFunction.appKey === ownAppKey) ours.push({ id: node.id, enabled: node.enabled });
    }
    const { hasNextPage, endCursor } = page.validations.pageInfo;
    // Every page carries the shop's fields too (a few points): read from the last one.
    if (!hasNextPage || !endCursor) return { shopId: page.shop.id, appUrl: page.shop.metafield?.value ?? null, validations: ours };
    if (endCursor === after) throw new Error("Shopify answered the same validations page twice (endCursor did not move)");
    after = endCursor;
  }
}

export type ShopifyUserErrors = { field?: string[] | null; message: string; code?: string | null }[];

export async function createCartValidation(client: AdminClient): Promise<{ ok: true } | { ok: false; userErrors: ShopifyUserErrors }> {
  const { data } = await client.request<SafestockValidationCreateMutation>("SafestockValidationCreate", VALIDATION_CREATE_MUTATION, {
    // enable: the input's default is false ("Whether the validation should be live on the merchant
    // checkout"). blockOnFailure stays false: a Function failure lets the buyer through (fail open,
    // as the block does: docs/decisions/019).
    validation: { functionHandle: CART_VALIDATION_FUNCTION_HANDLE, enable: true, blockOnFailure: false, title: "Safestock stock check" },
  } satisfies SafestockValidationCreateMutationVariables);
  const payload = data.validationCreate;
  if (payload === null) throw new Error("Shopify answered validationCreate: null without an error");
  return payload.userErrors.length === 0 && payload.validation?.enabled ? { ok: true } : { ok: false, userErrors: payload.userErrors };
}

/**
 * Turns Safestock's existing, switched-off rule back on (validationUpdate) instead of creating a
 * second one. ValidationUpdateInput's `enable` and `blockOnFailure` default to false
 * (https://shopify.dev/docs/api/admin-graphql/2026-10/input-objects/ValidationUpdateInput), so
 * both are sent: `blockOnFailure: false` as at create (fail open, docs/decisions/019).
 */
export async function enableCartValidation(client: AdminClient, id: string): Promise<{ ok: true } | { ok: false; userErrors: ShopifyUserErrors }> {
  const { data } = await client.request<SafestockValidationUpdateMutation>("SafestockValidationUpdate", VALIDATION_UPDATE_MUTATION, {
    id,
    validation: { enable: true, blockOnFailure: false },
  } satisfies SafestockValidationUpdateMutationVariables);
  const payload = data.validationUpdate;
  if (payload === null) throw new Error("Shopify answered validationUpdate: null without an error");
  return payload.userErrors.length === 0 && payload.validation?.enabled ? { ok: true } : { ok: false, userErrors: payload.userErrors };
}

export async function writeAppUrl(client: AdminClient, shopId: string, appUrl: string): Promise<{ ok: true } | { ok: false; userErrors: ShopifyUserErrors }> {
  const { data } = await client.request<SafestockSetAppUrlMutation>("SafestockSetAppUrl", APP_URL_SET_MUTATION, {
    metafields: [{ ownerId: shopId, namespace: APP_URL_METAFIELD.namespace, key: APP_URL_METAFIELD.key, type: APP_URL_METAFIELD.type, value: appUrl }],
  } satisfies SafestockSetAppUrlMutationVariables);
  const payload = data.metafieldsSet;
  if (payload === null) throw new Error("Shopify answered metafieldsSet: null without an error");
  return payload.userErrors.length === 0 ? { ok: true } : { ok: false, userErrors: payload.userErrors };
}
