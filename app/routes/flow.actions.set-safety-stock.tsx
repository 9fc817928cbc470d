import type { ActionFunctionArgs } from "@remix-run/node";
import { answerFlowAction, FLOW_ACTION_HANDLES } from "~/services/flow-actions.server";
import { authenticate } from "~/shopify.server";

/**
 * Shopify Flow action "Set safety stock" (extensions/safestock-set-safety-stock/shopify.extension.toml
 * `runtime_url`), verified with `authenticate.flow`
 * (https://shopify.dev/docs/api/shopify-app-remix/latest/authenticate/flow); see app/services/flow-actions.server.ts.
 */
export const action = ({ request }: ActionFunctionArgs) => answerFlowAction(request, FLOW_ACTION_HANDLES.setSafetyStock, authenticate.flow);
