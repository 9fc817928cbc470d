import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { searchCatalog } from "~/services/rules-editor.server";
import { authenticate } from "~/shopify.server";

/** Search-as-you-type for the rules editor's SKU, product and tag pickers. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const kind = params.get("kind");
  if (kind !== "sku" && kind !== "product" && kind !== "tag") return json({ matches: [] as string[] }, { status: 400 });
  return json({ matches: await searchCatalog(session.shop, kind, params.get("q") ?? "") });
};
