/**
 * Runs the App Bridge stand-in in a node:vm context with a tiny fake DOM (no jsdom here) and
 * checks the behaviour the app relies on.
 */
import { runInNewContext } from "node:vm";
import { describe, expect, it, vi } from "vitest";
import { appBridgeScript } from "./app-bridge.js";
import { adminPageHtml, embeddedAppUrl, hostParam } from "./page.js";

const SANDBOX = "http://127.0.0.1:8787";
const APP = "https://safestock.test";
const SHOP = "safestock-sandbox.myshopify.com";

class FakeElement {
  children: FakeElement[] = [];
  attrs: Record<string, string> = {};
  style: { cssText?: string; display?: string } = {};
  textContent = "";
  id = "";
  constructor(public tag: string, private doc: FakeDocument) {}
  setAttribute(k: string, v: string) {
    this.attrs[k] = v;
  }
  getAttribute(k: string) {
    return this.attrs[k] ?? null;
  }
  appendChild(c: FakeElement) {
    this.children.push(c);
    this.doc.all.push(c);
    return c;
  }
  remove() {
    this.doc.all = this.doc.all.filter((e) => e !== this);
  }
}
class FakeDocument {
  all: FakeElement[] = [];
  body = new FakeElement("body", this);
  documentElement = new FakeElement("html", this);
  currentScript: FakeElement | null = null;
  createElement(tag: string) {
    return new FakeElement(tag, this);
  }
  getElementById(id: string) {
    return this.all.find((e) => e.id === id) ?? null;
  }
  querySelector() {
    return null;
  }
}

function load(search: string, responder: (req: Request) => Response) {
  const calls: Request[] = [];
  const document = new FakeDocument();
  const script = document.createElement("script");
  script.setAttribute("data-api-key", "the-api-key");
  document.currentScript = script;
  const location = { href: `${APP}/app${search}`, search, origin: APP, replace: (u: string) => replaced.push(u) };
  const replaced: string[] = [];
  const opened: string[] = [];
  const window: Record<string, unknown> = {
    location,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(new URL(input instanceof Request ? input.url : String(input), location.href), input instanceof Request ? input : init);
      calls.push(req);
      return responder(req);
    },
    open: (u: string) => opened.push(u),
  };
  window.top = {};
  const context = {
    window,
    document,
    navigator: { language: "en" },
    URL,
    URLSearchParams,
    Request,
    Headers,
    Response,
    atob,
    setTimeout,
    Promise,
  };
  runInNewContext(appBridgeScript(SANDBOX), context);
  const shopify = window.shopify as {
    config: Record<string, string>;
    idToken(): Promise<string>;
    toast: { show(message: string): string };
    loading(on?: boolean): boolean;
  };
  return { shopify, window, calls, replaced, opened, document };
}

const tokenResponder = (other: (req: Request) => Response = () => new Response("ok")) => {
  let n = 0;
  return (req: Request) =>
    req.url.startsWith(`${SANDBOX}/sandbox/session-token`) ? Response.json({ token: `tok-${++n}` }) : other(req);
};

describe("App Bridge stand-in", () => {
  const search = `?shop=${SHOP}&host=${hostParam(SHOP)}&embedded=1`;

  it("exposes shopify.config and idToken() from the sandbox", async () => {
    const { shopify, calls } = load(search, tokenResponder());
    expect(shopify.config).toMatchObject({ apiKey: "the-api-key", shop: SHOP, host: hostParam(SHOP) });
    expect(await shopify.idToken()).toBe("tok-1");
    expect(calls[0]!.url).toBe(`${SANDBOX}/sandbox/session-token?shop=${encodeURIComponent(SHOP)}`);
  });

  it("adds a Bearer session token to same-origin fetches only", async () => {
    const { window, calls } = load(search, tokenResponder());
    await (window.fetch as typeof fetch)("/app/api/plan", { method: "POST", body: "{}" });
    const appCall = calls.find((c) => c.url === `${APP}/app/api/plan`)!;
    expect(appCall.headers.get("authorization")).toBe("Bearer tok-1");
    expect(appCall.method).toBe("POST");
    await (window.fetch as typeof fetch)("https://elsewhere.test/x");
    expect(calls.find((c) => c.url === "https://elsewhere.test/x")!.headers.get("authorization")).toBeNull();
  });

  it("retries once with a fresh token on X-Shopify-Retry-Invalid-Session-Request", async () => {
    let appCalls = 0;
    const { window, calls } = load(
      search,
      tokenResponder(() =>
        ++appCalls === 1 ? new Response(null, { status: 401, headers: { "X-Shopify-Retry-Invalid-Session-Request": "1" } }) : new Response("fine"),
      ),
    );
    const res = await (window.fetch as typeof fetch)("/app/data");
    expect(await res.text()).toBe("fine");
    expect(calls.filter((c) => c.url === `${APP}/app/data`).map((c) => c.headers.get("authorization"))).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("toast.show renders a visible message", () => {
    const { shopify, document } = load(search, tokenResponder());
    shopify.toast.show("Plan applied");
    const toast = document.all.find((e) => e.getAttribute("data-sandbox-toast"));
    expect(toast?.textContent).toBe("Plan applied");
    expect(shopify.loading(true)).toBe(true);
  });

  it("on the bounce page, reloads shopify-reload with a fresh id_token", async () => {
    const reload = `${APP}/app?shop=${SHOP}&embedded=1`;
    const { replaced } = load(`?shopify-reload=${encodeURIComponent(reload)}&shop=${SHOP}`, tokenResponder());
    // The bounce page reloads when it has its token: wait for that, not for a guessed delay.
    await vi.waitFor(() => expect(replaced.length).toBeGreaterThan(0), { timeout: 5_000 });
    expect(replaced).toHaveLength(1);
    const target = new URL(replaced[0]!);
    expect(target.searchParams.get("id_token")).toBe("tok-1");
    expect(target.searchParams.get("shop")).toBe(SHOP);
  });
});

describe("admin page", () => {
  it("builds the embedded app URL Shopify admin would use", () => {
    const url = new URL(embeddedAppUrl({ shop: SHOP, appUrl: "http://127.0.0.1:3000/base/", idToken: "jwt" }));
    expect(url.pathname).toBe("/base/app");
    expect(Object.fromEntries(url.searchParams)).toEqual({ shop: SHOP, host: hostParam(SHOP), embedded: "1", id_token: "jwt" });
    expect(Buffer.from(hostParam(SHOP), "base64").toString()).toBe(`${SHOP}/admin`);
  });

  it("escapes the shop name and offers a shop switcher for several shops", () => {
    const html = adminPageHtml({ shop: SHOP, shopName: "<b>Shop</b>", appUrl: APP, idToken: "jwt", apiKey: "k", shops: [SHOP, "b.myshopify.com"] });
    expect(html).toContain("&lt;b&gt;Shop&lt;/b&gt;");
    expect(html).not.toContain("<b>Shop</b>");
    expect(html).toContain('<option value="b.myshopify.com">');
    expect(html).toMatch(/<nav aria-label="Admin">/);
  });
});
