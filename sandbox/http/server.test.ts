import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SHOP_DOMAIN } from "../contract.js";
import { createFakeShop } from "../webhooks/testing/fake-shop.js";
import { ORDERED_DELIVERY } from "../webhooks/index.js";
import { composeSandbox } from "./compose.js";
import { startSandboxServer, type SandboxServer } from "./server.js";
import { rawHttp } from "./testing/raw-http.js";

const shopify = shopifyApi({
  apiKey: SANDBOX_API_KEY,
  apiSecretKey: SANDBOX_API_SECRET,
  hostName: "127.0.0.1",
  apiVersion: ApiVersion.October26,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error },
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A stand-in app server that validates deliveries with the library's node adapter. */
async function startApp() {
  const results: { topic: string | undefined; valid: boolean; status: number }[] = [];
  let failFirst = 1;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const check = await shopify.webhooks.validate({ rawBody: Buffer.concat(chunks).toString("utf8"), rawRequest: req, rawResponse: res });
      const status = failFirst-- > 0 ? 503 : check.valid ? 200 : 401;
      results.push({ topic: req.headers["x-shopify-topic"] as string | undefined, valid: check.valid, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, results };
}

/** Deliver webhooks over a real socket (rawHttp bypasses any fetch interception in test setups). */
const rawDeliver = async (request: Request) => {
  const r = await rawHttp(request.url, { method: "POST", headers: Object.fromEntries(request.headers), body: await request.text() });
  return new Response(r.body || null, { status: r.status });
};

async function serve(appUrl: string) {
  const sandbox = composeSandbox({
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl,
    retryDelaysMs: [1, 1, 1],
    // Counts attempts exactly: ordered delivery, asked for (Shopify's default is tested in webhooks/delivery.test.ts).
    delivery: ORDERED_DELIVERY,
    deliver: rawDeliver,
    createShop: ({ domain }) => createFakeShop(domain),
  });
  const server: SandboxServer = await startSandboxServer({ sandbox, port: 0 });
  cleanups.push(() => sandbox.close(), () => server.close());
  return { sandbox, server };
}

describe("startSandboxServer", () => {
  it("serves sandbox.handle over node:http on an ephemeral port", async () => {
    const { server } = await serve("http://127.0.0.1:1");
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);

    const install = await rawHttp(`${server.url}/sandbox/install`, { method: "POST", body: "{}" });
    expect(install.status).toBe(200);
    expect(JSON.parse(install.body)).toMatchObject({ shop: SANDBOX_SHOP_DOMAIN, accessToken: SANDBOX_ADMIN_TOKEN });

    // Host header picks the shop; the POST body reaches the emulator.
    const ok = await rawHttp(`${server.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { Host: SANDBOX_SHOP_DOMAIN, "Content-Type": "application/json", "X-Shopify-Access-Token": SANDBOX_ADMIN_TOKEN },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers["x-shopify-api-version"]).toBe("2026-10");
    expect(JSON.parse(ok.body).data.shop.myshopifyDomain).toBe(SANDBOX_SHOP_DOMAIN);
    const denied = await rawHttp(`${server.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { Host: SANDBOX_SHOP_DOMAIN, "X-Shopify-Access-Token": "wrong", "Content-Type": "application/json" },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(denied.status).toBe(401);

    const page = await rawHttp(`${server.url}/admin`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.body).toContain("<iframe");
    const js = await rawHttp(`${server.url}/app-bridge.js`);
    expect(js.body).toContain(JSON.stringify(server.url));
  });

  it("delivers webhooks over HTTP that the app's library validates, retrying a 503", async () => {
    const app = await startApp();
    const { server, sandbox } = await serve(app.url);
    await rawHttp(`${server.url}/sandbox/install`, { method: "POST", body: "{}" });
    const trigger = await rawHttp(`${server.url}/sandbox/webhooks/trigger`, { method: "POST", body: JSON.stringify({ topic: "shop/redact" }) });
    expect(trigger.status).toBe(200);
    const drain = await rawHttp(`${server.url}/sandbox/webhooks/drain`, { method: "POST", body: "{}" });
    expect(JSON.parse(drain.body)).toEqual({ attempts: 2 });
    expect(app.results).toEqual([
      { topic: "shop/redact", valid: true, status: 503 },
      { topic: "shop/redact", valid: true, status: 200 },
    ]);
    expect(sandbox.dispatcher.log.map((a) => a.outcome)).toEqual(["failed", "delivered"]);
  });
});
