/**
 * The sandbox's published secret is refused outside the sandbox (issue 22): anyone who read the
 * README can sign webhooks and session tokens with it. Expected values are written here by hand:
 * the secret as the README and sandbox/contract.ts publish it.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SANDBOX_API_SECRET } from "../sandbox/contract";
import { parseEnv } from "./env.server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const base = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "sandbox-api-secret", SHOPIFY_APP_URL: "https://safestock.example.com" };

describe("the sandbox's published secret", () => {
  it("is the one the sandbox publishes", () => {
    expect(SANDBOX_API_SECRET).toBe("sandbox-api-secret");
  });

  it("is refused in production with a public app URL, naming the variable and what to do", () => {
    expect(() => parseEnv({ ...base, NODE_ENV: "production" })).toThrow(/SHOPIFY_API_SECRET: is the sandbox's published secret.*client secret/);
  });

  it("is refused in production on a public http URL too", () => {
    expect(() => parseEnv({ ...base, NODE_ENV: "production", SHOPIFY_APP_URL: "http://203.0.113.7:3000" })).toThrow(/published secret/);
  });

  it("is accepted in development and tests, under the sandbox, and on hosts Shopify cannot reach", () => {
    expect(parseEnv({ ...base, NODE_ENV: "development" }).SHOPIFY_API_SECRET).toBe("sandbox-api-secret");
    expect(parseEnv({ ...base, NODE_ENV: "test" }).SHOPIFY_API_SECRET).toBe("sandbox-api-secret");
    expect(parseEnv({ ...base, NODE_ENV: "production", SAFESTOCK_SANDBOX_ORIGIN: "http://127.0.0.1:3001" }).NODE_ENV).toBe("production");
    for (const url of ["http://127.0.0.1:3000", "http://localhost:3000", "http://safestock-cluster.invalid", "https://safestock.test"]) {
      expect(parseEnv({ ...base, NODE_ENV: "production", SHOPIFY_APP_URL: url }).SHOPIFY_APP_URL).toBe(url);
    }
  });

  it("does not stop a real secret in production", () => {
    expect(parseEnv({ ...base, NODE_ENV: "production", SHOPIFY_API_SECRET: "shpss_0123456789abcdef" }).SHOPIFY_API_SECRET).toBe("shpss_0123456789abcdef");
  });

  it("stops `npm run worker` from starting, with the reason on stderr", () => {
    const { SAFESTOCK_SANDBOX_ORIGIN: _sandbox, VITEST: _vitest, ...inherited } = process.env;
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "app/jobs/worker-cli.ts")], {
      cwd: root,
      env: { ...inherited, ...base, NODE_ENV: "production" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Invalid environment:[\s\S]*SHOPIFY_API_SECRET: is the sandbox's published secret/);
  }, 60_000);
});
