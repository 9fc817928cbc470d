/**
 * One configuration (docs/decisions/023-composition-root.md): every variable of the schema in
 * app/env.server.ts is documented in `.env.example` and in the README's configuration table, and
 * the configuration module is the only place in app/ that reads `process.env`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ENV_VARIABLES } from "~/env.server";
import { parseAppToml } from "../sandbox";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [full] : [];
  });
}

describe("the configuration", () => {
  it("documents every variable in .env.example and the README's table", () => {
    const example = read(".env.example");
    const readme = read("README.md");
    const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
    const undocumented = ENV_VARIABLES.filter((name) => !new RegExp(`^#? ?${name}=`, "m").test(example) || !table.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });

  it("is read from the environment in app/env.server.ts only", () => {
    const readers = sourceFiles(path.join(root, "app"))
      .filter((file) => /process\.env\b/.test(readFileSync(file, "utf8").replace(/^\s*(\/\/|\*).*$/gm, "")))
      .map((file) => path.relative(root, file));
    expect(readers).toEqual(["app/env.server.ts"]);
  });
});

/**
 * What `shopify app deploy` needs besides the files: approvals given in the Partner Dashboard, not
 * in any toml. Without protected customer data access a version with order or refund subscriptions
 * is refused ("This app is not approved to subscribe to webhook topics containing protected
 * customer data", https://github.com/Shopify/cli/issues/6485;
 * https://shopify.dev/docs/apps/launch/protected-customer-data), and a checkout UI extension's
 * `network_access` works only once network access is allowed for the app.
 */
describe("the real-store steps in the README", () => {
  const readme = read("README.md");
  const start = readme.indexOf("## With a real Shopify store");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  // Order, refund, customer, draft-order and checkout payloads are about a buyer (docs/decisions/024).
  const protectedTopic = /^(orders|refunds|customers|draft_orders|checkouts)\//;

  it("name protected customer data access when shopify.app.toml subscribes to a topic that carries it", () => {
    const toml = parseAppToml(read("shopify.app.toml"));
    const topics = toml.subscriptions.flatMap((subscription) => subscription.topics).filter((topic) => protectedTopic.test(topic));
    expect(topics.length).toBeGreaterThan(0);
    expect(section).toMatch(/protected customer data/i);
    // Level 1 (no name, email, phone or address): what include_fields leaves Safestock.
    expect(section).toMatch(/Level 1/);
  });

  it("name network access when a checkout extension declares network_access", () => {
    const extensions = readdirSync(path.join(root, "extensions")).filter((name) => /^\s*network_access\s*=\s*true/m.test(readFileSync(path.join(root, "extensions", name, "shopify.extension.toml"), "utf8")));
    expect(extensions).toEqual(["safestock-cart-hold"]);
    expect(section).toMatch(/network access/i);
  });
});
