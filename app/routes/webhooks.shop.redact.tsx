import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `shop/redact` webhook (shopify.app.toml `uri = "/webhooks/shop/redact"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "shop/redact");
