import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `orders/create` webhook (shopify.app.toml `uri = "/webhooks/orders/create"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "orders/create");
