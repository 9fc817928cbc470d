import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `inventory_items/delete` webhook (shopify.app.toml `uri = "/webhooks/inventory_items/delete"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "inventory_items/delete");
