import type { ActionFunctionArgs } from "@remix-run/node";
import { answerFlowLifecycleCallback } from "~/services/flow-triggers.server";

/**
 * Shopify Flow's trigger lifecycle callback (extensions/safestock-flow-lifecycle/shopify.extension.toml
 * `url`): which triggers the shop's enabled workflows use; see app/services/flow-triggers.server.ts.
 * No session is read: the callback is verified by its signature alone.
 */
export const action = ({ request }: ActionFunctionArgs) => answerFlowLifecycleCallback(request);
