import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportFileName, inventoryCsvStream } from "~/services/inventory-export.server";
import { authenticate } from "~/shopify.server";

/**
 * GET /app/inventory/export: what Safestock protects and publishes, per item × location and
 * item × channel, as a CSV streamed from the database a page at a time (docs/decisions/036).
 * A resource route: the Inventory page fetches it through App Bridge, which adds the session token.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return new Response(inventoryCsvStream(session.shop), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFileName(session.shop, new Date())}"`,
      "Cache-Control": "no-store",
    },
  });
};
