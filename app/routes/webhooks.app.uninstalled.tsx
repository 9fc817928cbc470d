import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhook-intake.server";

/** `app/uninstalled` webhook (shopify.app.toml `uri = "/webhooks/app/uninstalled"`). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "app/uninstalled");
