import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { searchVariants } from "~/services/holds-admin.server";
import { searchCatalog } from "~/services/rules-editor.server";
import { authenticate } from "~/shopify.server";

/** Search-as-you-type for the rules editor's SKU, product and tag pickers, and the holds page's variant picker. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const kind = params.get("kind");
  if (kind === "variant") return json({ matches: [] as string[], variants: await searchVariants(session.shop, params.get("q") ?? "") });
  if (kind !== "sku" && kind !== "product" && kind !== "tag") return json({ matches: [] as string[] }, { status: 400 });
  return json(await searchCatalog(session.shop, kind, params.get("q") ?? ""));
};
