import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `refunds/create` webhook (shopify.app.toml `uri = "/webhooks/refunds/create"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "refunds/create");
