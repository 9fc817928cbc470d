import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `orders/updated` webhook (shopify.app.toml `uri = "/webhooks/orders/updated"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "orders/updated");
