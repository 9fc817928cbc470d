import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `inventory_levels/update` webhook (shopify.app.toml `uri = "/webhooks/inventory_levels/update"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "inventory_levels/update");
