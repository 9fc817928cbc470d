import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `locations/delete` webhook (shopify.app.toml `uri = "/webhooks/locations/delete"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "locations/delete");
