import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `orders/fulfilled` webhook (shopify.app.toml `uri = "/webhooks/orders/fulfilled"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "orders/fulfilled");
