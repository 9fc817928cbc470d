// Loaded into the app process by `npm run sandbox` (node --import). The app talks to
// `https://<shop>.myshopify.com/admin/...` exactly as in production; this sends those requests
// to the emulated shop on SAFESTOCK_SANDBOX_ORIGIN instead (no machine here reaches Shopify).
// remix-serve later replaces globalThis.fetch with its polyfill, so the redirect wraps whatever
// fetch is installed, now or later.
const origin = process.env.SAFESTOCK_SANDBOX_ORIGIN;
if (origin) {
  let underlying = globalThis.fetch;
  const redirecting = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".myshopify.com")) return underlying(input, init);
    const target = new URL(url.pathname + url.search, origin);
    target.searchParams.set("shop", url.hostname);
    const headers = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text();
    return underlying(target.toString(), { method: request.method, headers, body, redirect: "manual" });
  };
  Object.defineProperty(globalThis, "fetch", {
    configurable: true,
    get: () => redirecting,
    set: (value) => {
      if (value !== redirecting) underlying = value;
    },
  });
}

// The app is a child of `npm run sandbox`; if that process goes away (Ctrl+C, a killed
// terminal), the app goes too instead of holding the port.
const parentPid = Number(process.env.SAFESTOCK_SANDBOX_PARENT_PID);
if (parentPid) {
  setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      process.exit(0);
    }
  }, 1000).unref();
}
