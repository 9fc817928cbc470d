/**
 * The README's quick start: `npm run sandbox` answers /healthz and the Admin API within 60 s,
 * on a fresh SQLite file, with no Shopify account.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { http, passthrough } from "msw";
import { afterAll, describe, expect, it } from "vitest";
import { mswServer } from "./setup/msw";

const root = path.resolve(__dirname, "..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function until<T>(deadline: number, probe: () => Promise<T | null>): Promise<T> {
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("npm run sandbox", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "safestock-sandbox-cli-"));
  let child: ReturnType<typeof spawn> | undefined;
  afterAll(async () => {
    const group = child?.pid;
    const signal = (name: NodeJS.Signals) => {
      try {
        if (group) process.kill(-group, name);
        return true;
      } catch {
        return false; // already gone
      }
    };
    // Ctrl+C as a user would; the CLI stops the app. Anything left after 5 s is killed.
    if (signal("SIGTERM")) {
      for (let waited = 0; waited < 5_000 && signal(0 as unknown as NodeJS.Signals); waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
      signal("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  it("answers /healthz and the Admin API within 60 s on a fresh database", async () => {
    // Real HTTP to the processes this test starts (msw refuses unknown requests elsewhere).
    mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    const [port, sandboxPort] = [await freePort(), await freePort()];
    const started = Date.now();
    child = spawn("npm", ["run", "-s", "sandbox"], {
      cwd: root,
      detached: true,
      stdio: "ignore",
      env: { ...process.env, NODE_ENV: "production" as const, PORT: String(port), SANDBOX_PORT: String(sandboxPort), DATABASE_URL: `file:${path.join(dir, "dev.sqlite")}` },
    });
    const deadline = started + 60_000;
    await until(deadline, async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : null));
    const shop = await until(deadline, async () => {
      const response = await fetch(`http://127.0.0.1:${sandboxPort}/admin/api/2026-10/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": "sandbox-admin-token" },
        body: JSON.stringify({ query: "{ shop { name myshopifyDomain } }" }),
      });
      return response.ok ? ((await response.json()) as { data: { shop: { name: string; myshopifyDomain: string } } }) : null;
    });
    expect(shop.data.shop.myshopifyDomain).toBe("safestock-sandbox.myshopify.com");
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
