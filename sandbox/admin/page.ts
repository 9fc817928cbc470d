/**
 * The sandbox's stand-in for the Shopify admin frame around an embedded app: a top bar with the
 * shop's name, a left nav and an iframe of the app at
 * `${appUrl}/app?shop=<shop>&host=<base64("<shop>/admin")>&embedded=1&id_token=<session token>`,
 * the query Shopify admin puts on an embedded app's URL
 * (shopify.dev/docs/apps/build/authentication-authorization/session-tokens).
 */
export interface AdminPageOptions {
  shop: string;
  shopName: string;
  appUrl: string;
  /** Path inside the app (default "/app"). */
  appPath?: string;
  idToken: string;
  apiKey: string;
  appHandle?: string;
  /** Other shops, for a shop switcher. */
  shops?: string[];
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function hostParam(shop: string): string {
  return Buffer.from(`${shop}/admin`).toString("base64");
}

export function embeddedAppUrl(opts: Pick<AdminPageOptions, "shop" | "appUrl" | "appPath" | "idToken">): string {
  const url = new URL(opts.appUrl); // keeps any base path of appUrl
  url.pathname = url.pathname.replace(/\/+$/, "") + (opts.appPath ?? "/app");
  url.search = "";
  url.searchParams.set("shop", opts.shop);
  url.searchParams.set("host", hostParam(opts.shop));
  url.searchParams.set("embedded", "1");
  url.searchParams.set("id_token", opts.idToken);
  return url.toString();
}

export function adminPageHtml(opts: AdminPageOptions): string {
  const src = embeddedAppUrl(opts);
  const handle = opts.appHandle ?? "safestock";
  const switcher =
    opts.shops && opts.shops.length > 1
      ? `<select aria-label="Shop" onchange="location.search='?shop='+encodeURIComponent(this.value)">${opts.shops
          .map((s) => `<option value="${esc(s)}"${s === opts.shop ? " selected" : ""}>${esc(s)}</option>`)
          .join("")}</select>`
      : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(opts.shopName)} · Safestock · Shopify (sandbox)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  html,body{margin:0;height:100%;font:14px system-ui,-apple-system,"Segoe UI",sans-serif;background:#f1f1f1;color:#303030}
  .topbar{height:56px;background:#1a1a1a;color:#e3e3e3;display:flex;align-items:center;gap:16px;padding:0 16px;box-sizing:border-box}
  .topbar .logo{font-weight:700;color:#fff} .topbar .shop{margin-left:auto} .badge{background:#ffb800;color:#1a1a1a;border-radius:6px;padding:2px 8px;font-size:12px}
  .frame{display:flex;height:calc(100% - 56px)}
  nav{width:240px;background:#ebebeb;padding:12px 8px;box-sizing:border-box}
  nav a{display:block;padding:6px 12px;border-radius:8px;color:#303030;text-decoration:none}
  nav a.active{background:#fff;font-weight:600} nav .apps{margin-top:16px;color:#616161;font-size:12px;padding:0 12px}
  main{flex:1;padding:0;display:flex} iframe{flex:1;border:0;background:#fff}
</style>
</head>
<body data-shop="${esc(opts.shop)}">
<header class="topbar"><span class="logo">shopify</span><span class="badge">sandbox</span>${switcher}<span class="shop" data-testid="shop-name">${esc(opts.shopName)}</span></header>
<div class="frame">
<nav aria-label="Admin">
  <a href="#">Home</a><a href="#">Orders</a><a href="#">Products</a><a href="#">Customers</a><a href="#">Analytics</a>
  <div class="apps">Apps</div>
  <a class="active" href="/admin/apps/${esc(handle)}?shop=${esc(encodeURIComponent(opts.shop))}">Safestock</a>
</nav>
<main><iframe id="app-iframe" name="app-iframe" title="Safestock" src="${esc(src)}" data-api-key="${esc(opts.apiKey)}" allow="clipboard-write"></iframe></main>
</div>
</body>
</html>`;
}
