import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportPolicy } from "~/services/policy.server";
import { authenticate } from "~/shopify.server";

/**
 * GET /app/policy/export: the policy in force as a JSON file, in the import format, so a merchant
 * can keep it, edit it and import it again. A resource route (no component): the Policy page
 * fetches it through App Bridge, which adds the session token.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const policy = await exportPolicy(session.shop);
  if (!policy) {
    return new Response("No policy has been published yet, so there is nothing to export.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const shopName = session.shop.replace(/\.myshopify\.com$/, "");
  return new Response(`${JSON.stringify(policy.document, null, 2)}\n`, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="safestock-policy-${shopName}-v${policy.version}.json"`,
      "Cache-Control": "no-store",
    },
  });
};
