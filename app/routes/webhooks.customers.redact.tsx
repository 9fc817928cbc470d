import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `customers/redact` webhook (shopify.app.toml `uri = "/webhooks/customers/redact"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "customers/redact");
