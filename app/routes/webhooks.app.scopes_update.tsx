import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `app/scopes_update` webhook (shopify.app.toml `uri = "/webhooks/app/scopes_update"`): the granted scopes changed. */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "app/scopes_update");
