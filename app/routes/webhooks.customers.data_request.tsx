import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `customers/data_request` webhook (shopify.app.toml `uri = "/webhooks/customers/data_request"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "customers/data_request");
