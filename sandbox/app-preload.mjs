// Loaded into the app process by `npm run sandbox` (node --import). The app talks to
// `https://<shop>.myshopify.com/admin/...` exactly as in production; this sends those requests
// to the emulated shop on SAFESTOCK_SANDBOX_ORIGIN instead (no machine here reaches Shopify).
// It must run before @shopify/shopify-app-remix's Node adapter captures globalThis.fetch.
const origin = process.env.SAFESTOCK_SANDBOX_ORIGIN;
if (origin) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".myshopify.com")) return realFetch(request);
    const target = new URL(url.pathname + url.search, origin);
    target.searchParams.set("shop", url.hostname);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return realFetch(target, { method: request.method, headers: request.headers, body, redirect: "manual" });
  };
}
