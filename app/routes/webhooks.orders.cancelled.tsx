import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `orders/cancelled` webhook (shopify.app.toml `uri = "/webhooks/orders/cancelled"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "orders/cancelled");
