import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";

const SHOP = "cli-shop.myshopify.com";
const root = path.resolve(__dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "policy-apply-"));

function cli(script: string, args: string[]) {
  return spawnSync(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "app/cli", script), ...args], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: "" },
    encoding: "utf8",
  });
}

function file(name: string, value: unknown) {
  const target = path.join(dir, name);
  writeFileSync(target, typeof value === "string" ? value : JSON.stringify(value));
  return target;
}

beforeAll(async () => {
  // The catalog a policy is validated against (normally written by the initial sync).
  await prisma.catalogLocation.create({ data: { shop: SHOP, locationId: "gid://shopify/Location/1", name: "Soho" } });
  await prisma.catalogLocation.create({ data: { shop: SHOP, locationId: "gid://shopify/Location/2", name: "Pop-up", fulfillsOnlineOrders: false } });
  await prisma.salesChannel.create({ data: { shop: SHOP, publicationId: "gid://shopify/Publication/1", handle: "online_store", name: "Online Store" } });
  await prisma.catalogItem.create({
    data: { shop: SHOP, inventoryItemId: "gid://shopify/InventoryItem/1", variantId: "gid://shopify/ProductVariant/1", productId: "gid://shopify/Product/1", sku: "RING-7", productTitle: "Ring", variantTitle: "7" },
  });
});

describe("policy:apply and policy:export", () => {
  it("refuses an invalid policy with every problem listed, exit 2, and changes nothing", () => {
    const invalid = file("invalid.json", {
      version: 1,
      protection: [{ kind: "safety_stock", units: -1, location: "Nowhere" }],
      channels: [{ channel: "tiktok", allocationPercent: 150 }],
    });
    const result = cli("policy-apply.ts", ["--policy", invalid, "--shop", SHOP]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("protection[0].units");
    expect(result.stderr).toContain("protection[0].location");
    expect(result.stderr).toContain("channels[0].channel");
    expect(result.stderr).toContain("channels[0].allocationPercent");
    return prisma.policyVersion.count({ where: { shop: SHOP } }).then((count) => expect(count).toBe(0));
  });

  it("refuses what the editor refuses: a channel drawing from a location that cannot fill its orders, units above Shopify's limit", () => {
    const invalid = file("reach.json", {
      version: 1,
      protection: [{ kind: "safety_stock", units: 1e21 }],
      channels: [{ channel: "online_store", locations: ["Soho", "Pop-up"] }],
    });
    const result = cli("policy-apply.ts", ["--policy", invalid, "--shop", SHOP]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      [
        "The policy was refused; nothing was changed (2 problem(s)):",
        "  protection[0].units: must be at most 1000000000 units, got 1e+21",
        "  channels[0].locations[1]: Pop-up does not fulfil online orders, so online_store orders can never be filled from it",
        "",
      ].join("\n"),
    );
    return prisma.policyVersion.count({ where: { shop: SHOP } }).then((count) => expect(count).toBe(0));
  });

  it("refuses a file nested too deeply before parsing it, exit 2", () => {
    const deep = file("deep.json", `{"version":1,"protection":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    const result = cli("policy-apply.ts", ["--policy", deep, "--shop", SHOP]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("policy: nests lists and objects more than 8 deep");
  });

  it("publishes a valid policy as a new version, queues the worker, and exports it back", async () => {
    const policy = { version: 1, protection: [{ kind: "safety_stock", units: 2, sku: "RING-7", location: "Soho" }], channels: [{ channel: "online_store", tier: 1 }] };
    const applied = cli("policy-apply.ts", ["--policy", file("valid.json", policy), "--shop", SHOP, "--note", "from the test"]);
    expect(applied.stderr).toBe("");
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain("Published policy v1");
    expect(await prisma.job.count({ where: { shop: SHOP, queue: "reconcile", status: "pending" } })).toBe(1);

    const out = path.join(dir, "exported.json");
    const exported = cli("policy-export.ts", ["--shop", SHOP, "--out", out]);
    expect(exported.status).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(policy);
    // Two CLI processes, each compiling the app's modules with tsx on a cold start: a busy 2-core
    // CI machine took over 20 s for the pair (2026-12-06), which is not what this test judges.
  }, 60_000);

  it("rejects unreadable files and bad usage with exit 2", () => {
    expect(cli("policy-apply.ts", ["--shop", SHOP]).status).toBe(2);
    const broken = cli("policy-apply.ts", ["--policy", file("broken.json", "{not json"), "--shop", SHOP]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain("policy: is not valid JSON");
    const missing = cli("policy-apply.ts", ["--policy", path.join(dir, "missing.json"), "--shop", SHOP]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("cannot read");
    expect(cli("policy-export.ts", ["--shop", "no-policy.myshopify.com"]).status).toBe(2);
  });
});
