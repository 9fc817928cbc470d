import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

/** Shopify admin opens the app at `/?shop=…&host=…`; the embedded UI lives under `/app`. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  throw redirect("/auth/login");
};
