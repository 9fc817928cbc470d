/**
 * Oversized unsigned webhook posts against the app as `npm run start` serves it (remix-serve on
 * the built app, which streams request bodies), measured from outside: the process's resident
 * memory, read from /proc while four 100 MB posts with a forged HMAC arrive at once (issue 22:
 * they took the app from 133 to 1,240 MB). Bodies are refused after the 8 MB limit, so the four
 * together may hold at most 32 MB plus buffers; 100 MB of growth is the bound asserted here, and
 * the figures are printed. A genuine delivery is still accepted afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { http, passthrough } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, withAppBuildLock } from "../sandbox/stack";
import { mswServer } from "./setup/msw";
import { freePort, until } from "./support/processes";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECRET = "sandbox-api-secret";
const SHOP = "safestock-sandbox.myshopify.com";
const POST_BYTES = 100_000_000;
const CHUNK = new Uint8Array(64 * 1024).fill(0x7b);

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** Posts `total` bytes in 64 KB chunks, as fast as the socket takes them, until the app answers or drops the connection. */
function flood(port: number, { declareLength }: { declareLength: boolean }): Promise<{ status: number | null; sentMb: number }> {
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | null = null;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ status, sentMb: sent / 1e6 });
    };
    const req = httpRequest({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/webhooks/orders/create",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": "Zm9yZ2VkLWJ5LWFuLWF0dGFja2VyLW5vdC1zaG9waWZ5",
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": randomUUID(),
        ...(declareLength ? { "Content-Length": String(POST_BYTES) } : { "Transfer-Encoding": "chunked" }),
      },
    });
    req.on("response", (response) => {
      status = response.statusCode ?? null;
      response.resume();
      response.on("end", () => {
        req.destroy();
        finish();
      });
    });
    req.on("error", finish);
    req.on("close", finish);
    const write = () => {
      while (!done && status === null && sent < POST_BYTES) {
        sent += CHUNK.byteLength;
        if (!req.write(CHUNK)) return void req.once("drain", write);
      }
      if (!done && status === null) req.end();
    };
    write();
  });
}

describe("four parallel 100 MB unsigned webhook posts against remix-serve", { timeout: 300_000 }, () => {
  let app: ChildProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    port = await freePort();
    app = await withAppBuildLock(async () => {
      buildApp({ quiet: true });
      const child = spawn(process.execPath, [path.join(root, "node_modules/@remix-run/serve/dist/cli.js"), path.join(root, "build/index.js")], {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: "production",
          PORT: String(port),
          HOST: "127.0.0.1",
          SHOPIFY_API_KEY: "sandbox-api-key",
          SHOPIFY_API_SECRET: SECRET,
          SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
          DATABASE_URL: process.env.DATABASE_URL!,
          // The web process alone: what it spends on the posts is the intake's.
          SAFESTOCK_WORKER: "external",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout!.resume();
      child.stderr!.resume();
      await until(Date.now() + 60_000, async () => ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok ? true : null));
      return child;
    });
  }, 300_000);

  afterAll(() => {
    app?.kill("SIGKILL");
  });

  it("answers 413 to each, reads no more than the limit, and its memory stays bounded; a genuine delivery is still accepted", async () => {
    const pid = app!.pid!;
    const before = memoryOf(pid);
    let peakRss = before.rssMb;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, memoryOf(pid).rssMb);
    }, 10);
    const started = Date.now();
    const chunked = await Promise.all([0, 1, 2, 3].map(() => flood(port, { declareLength: false })));
    const declared = await Promise.all([0, 1, 2, 3].map(() => flood(port, { declareLength: true })));
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const after = memoryOf(pid);

    console.log(
      `webhook flood (4 × 100 MB chunked, then 4 × 100 MB declared, forged HMAC): RSS before ${before.rssMb.toFixed(0)} MB, ` +
        `peak during ${peakRss.toFixed(0)} MB (+${(peakRss - before.rssMb).toFixed(0)} MB), after ${after.rssMb.toFixed(0)} MB, VmHWM ${after.peakMb.toFixed(0)} MB; ` +
        `the client got rid of ${chunked.map((post) => post.sentMb.toFixed(1)).join(", ")} MB (chunked) and ${declared.map((post) => post.sentMb.toFixed(1)).join(", ")} MB (declared) before the answer, in ${seconds.toFixed(1)} s`,
    );
    expect(chunked.map((post) => post.status)).toEqual([413, 413, 413, 413]);
    expect(declared.map((post) => post.status)).toEqual([413, 413, 413, 413]);
    expect(peakRss - before.rssMb).toBeLessThan(100);

    const body = JSON.stringify({ id: 5, admin_graphql_api_id: "gid://shopify/Order/5", line_items: [] });
    const genuine = await fetch(`http://127.0.0.1:${port}/webhooks/orders/create`, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": createHmac("sha256", SECRET).update(body).digest("base64"),
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": randomUUID(),
        "X-Shopify-Triggered-At": new Date().toISOString(),
      },
    });
    expect(genuine.status).toBe(200);
  });
});
