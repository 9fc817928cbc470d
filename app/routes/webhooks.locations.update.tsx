import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `locations/update` webhook (shopify.app.toml `uri = "/webhooks/locations/update"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "locations/update");
