/**
 * The Admin API side of Safestock's Flow triggers: flowTriggerReceive
 * (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/flowTriggerReceive). Its
 * userErrors (an unknown handle, a payload that does not match the extension's fields, one over
 * the size limit) are returned as values: retrying the same payload cannot fix them.
 */
import type { FlowTrigger } from "~/domain/flow";
import type { AdminClient } from "./admin-client.server";
import type { SafestockFlowTriggerReceiveMutation, SafestockFlowTriggerReceiveMutationVariables } from "./admin-types.generated";
import { FLOW_TRIGGER_RECEIVE_MUTATION } from "./documents";
import type { ShopifyUserErrors } from "./setup.server";

export async function sendFlowTrigger(client: AdminClient, trigger: FlowTrigger): Promise<{ ok: true } | { ok: false; userErrors: ShopifyUserErrors }> {
  const { data } = await client.request<SafestockFlowTriggerReceiveMutation>("SafestockFlowTriggerReceive", FLOW_TRIGGER_RECEIVE_MUTATION, {
    handle: trigger.handle,
    payload: trigger.payload,
  } satisfies SafestockFlowTriggerReceiveMutationVariables);
  const result = data.flowTriggerReceive;
  if (result === null) throw new Error("Shopify answered flowTriggerReceive: null without an error");
  return result.userErrors.length === 0 ? { ok: true } : { ok: false, userErrors: result.userErrors };
}
