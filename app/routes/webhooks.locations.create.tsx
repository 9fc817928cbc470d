import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `locations/create` webhook (shopify.app.toml `uri = "/webhooks/locations/create"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "locations/create");
