/**
 * Oversized webhook posts from outside, and the app process's memory while they arrive: shared by
 * tests/webhook-flood.test.ts and `npm run chaos` (bench/chaos.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp, withAppBuildLock } from "../../sandbox/stack";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const SHOP = "safestock-sandbox.myshopify.com";
const CHUNK = new Uint8Array(64 * 1024).fill(0x7b);

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/**
 * Posts `total` bytes in 64 KB chunks, as fast as the socket takes them, until the app answers or
 * drops the connection. `dropped` is the socket error when no answer was read: the app answers 413
 * with `Connection: close` while the client is still sending, and the client's TCP stack may then
 * see the reset before it hands over the answer (a refusal all the same). With `pauseAfterBytes` the
 * client stops writing after that many bytes (neither ending nor aborting the body) and waits for
 * the answer: no write races the close, so a refusal is read as its status.
 */
export function flood(
  port: number,
  { declareLength, totalBytes, pauseAfterBytes }: { declareLength: boolean; totalBytes: number; pauseAfterBytes?: number },
): Promise<{ status: number | null; dropped?: string; sentMb: number }> {
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | null = null;
    let dropped: string | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ status, ...(status === null && dropped ? { dropped } : {}), sentMb: sent / 1e6 });
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
        ...(declareLength ? { "Content-Length": String(totalBytes) } : { "Transfer-Encoding": "chunked" }),
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
    req.on("error", (error: NodeJS.ErrnoException) => {
      dropped = error.code ?? error.message;
      finish();
    });
    req.on("close", finish);
    const write = () => {
      const until = Math.min(totalBytes, pauseAfterBytes ?? totalBytes);
      while (!done && status === null && sent < until) {
        // The last piece is cut to size, so a paused client has sent exactly `pauseAfterBytes`.
        const piece = until - sent >= CHUNK.byteLength ? CHUNK : CHUNK.subarray(0, until - sent);
        sent += piece.byteLength;
        if (!req.write(piece)) return void req.once("drain", write);
      }
      if (!done && status === null && sent >= totalBytes) req.end();
      // Paused: headers go out even when no byte of the body is written yet.
      if (pauseAfterBytes !== undefined && sent < totalBytes) req.flushHeaders();
    };
    write();
  });
}


/**
 * The app as `npm run start` serves it (remix-serve on build/, built first under the build lock),
 * its web process alone (SAFESTOCK_WORKER=external) unless `embeddedWorker`, on `databaseUrl` (migrated). Resolves once
 * /healthz answers 200, or, without the embedded worker, 503 for no other reason than the missing worker.
 */
export async function startBuiltApp(options: { port: number; databaseUrl: string; secret: string; embeddedWorker?: boolean; build?: boolean; appUrl?: string }): Promise<ChildProcess> {
  const { port } = options;
  return withAppBuildLock(async () => {
    if (options.build !== false) buildApp({ quiet: true });
    const child = spawn(process.execPath, [path.join(root, "node_modules/@remix-run/serve/dist/cli.js"), path.join(root, "build/index.js")], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        SHOPIFY_API_KEY: "sandbox-api-key",
        SHOPIFY_API_SECRET: options.secret,
        SHOPIFY_APP_URL: options.appUrl ?? `http://127.0.0.1:${port}`,
        DATABASE_URL: options.databaseUrl,
        SAFESTOCK_WORKER: options.embeddedWorker ? "embedded" : "external",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // The tail of its output, attached when it exits before answering (an environment it refuses).
    let output = "";
    const keep = (chunk: Buffer) => void (output = (output + chunk.toString("utf8")).slice(-4_000));
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}) before answering /healthz\n${output}`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      // Without the embedded worker no worker heartbeat is written: that is the one reason accepted.
      const body = health ? await health.text() : "";
      if (health?.ok || (!options.embeddedWorker && /^(no worker has reported yet|worker last seen .*)\n$/.test(body))) return child;
      if (Date.now() > deadline) throw new Error("the app did not answer /healthz within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
}
