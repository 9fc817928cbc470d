import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `products/update` webhook (shopify.app.toml `uri = "/webhooks/products/update"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "products/update");
