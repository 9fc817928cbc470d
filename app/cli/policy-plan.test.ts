import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import policyJson from "../domain/__fixtures__/issue-example.policy.json";
import snapshotJson from "../domain/__fixtures__/issue-example.snapshot.json";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const cli = path.join(root, "app/cli/policy-plan.ts");
const dir = mkdtempSync(path.join(tmpdir(), "policy-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const target = path.join(dir, name);
  writeFileSync(target, typeof content === "string" ? content : JSON.stringify(content));
  return target;
}

const policy = file("policy.json", policyJson);
const snapshot = file("snapshot.json", snapshotJson);
file("broken.json", "{ not json");

async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [cli, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// Each case spawns a process; run them side by side. A spawn takes well under a second alone
// but tens of seconds on a loaded 2-core machine running the whole suite, hence the timeout.
describe.concurrent("policy-plan CLI", { timeout: 90_000 }, () => {
  it("prints the plan as JSON and exits 0", async () => {
    const result = await runCli("--policy", policy, "--snapshot", snapshot, "--now", "2026-11-23T13:00:00Z");
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { levels: { location: string; protected: number; available: number }[]; channels: { channel: string; available: number; paused: boolean }[] };
    expect(plan.levels.map((l) => [l.location, l.protected, l.available])).toEqual([
      ["Soho", 2, 6],
      ["Warehouse", 0, 0],
    ]);
    expect(plan.channels.map((c) => [c.channel, c.available, c.paused])).toEqual([
      ["online_store", 4, false],
      ["marketplace", 0, true],
      ["wholesale", 0, false],
    ]);
  });

  it("plans variants sharing a SKU, or without one, each on its own stock (docs/policy.md § Identity)", async () => {
    const quantities = { committed: 0, reserved: 0, damaged: 0, qualityControl: 0, incoming: 0 };
    const twins = file("twins.json", {
      syncLagMinutes: 1,
      levels: [
        { item: "blue", sku: "TEE", location: "Warehouse", onHand: 10, ...quantities },
        { item: "navy", sku: "TEE", location: "Warehouse", onHand: 1, ...quantities },
        { item: "plain", sku: "", location: "Warehouse", onHand: 6, ...quantities },
      ],
      channels: ["online_store"],
    });
    const rules = file("twins-policy.json", { version: 1, protection: [{ kind: "safety_stock", units: 1 }, { kind: "safety_stock", units: 3, sku: "TEE" }], channels: [] });
    const result = await runCli("--policy", rules, "--snapshot", twins, "--now", "2026-11-23T13:00:00Z");
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { channels: { item: string; sku: string; available: number }[] };
    // Blue 10 − 3 = 7; Navy 1 − min(3, 1) = 0; no SKU: 6 − the global 1 = 5.
    expect(plan.channels.map((c) => [c.item, c.sku, c.available])).toEqual([
      ["blue", "TEE", 7],
      ["navy", "TEE", 0],
      ["plain", "", 5],
    ]);
    const table = await runCli("--policy", rules, "--snapshot", twins, "--now", "2026-11-23T13:00:00Z", "--format", "table");
    expect(table.stdout).toContain("TEE [navy]");
    expect(table.stdout).toContain("(no SKU) [plain]");
  });

  it("with --frozen plans as a shop under the webhook-health freeze", async () => {
    const tiers = file("tiers.json", { version: 1, protection: [], channels: [{ channel: "online_store", tier: 1 }, { channel: "marketplace", tier: 2 }] });
    const channelsOf = (stdout: string) =>
      (JSON.parse(stdout) as { channels: { channel: string; available: number; paused: boolean }[] }).channels.map((c) => [c.channel, c.available, c.paused]);
    // Hand-computed: Soho 10 on hand − 2 committed = 8, Warehouse 0; pool 8 for every channel,
    // which a healthy shop offers in full (the unit tests of write-plan cover the unfrozen plan).
    const frozen = await runCli("--policy", tiers, "--snapshot", snapshot, "--now", "2026-11-23T13:00:00Z", "--frozen", "inventory updates are late");
    expect(frozen.code).toBe(0);
    // Pool 8 < 10: the tier-2 marketplace pauses; tier 1 keeps selling.
    expect(channelsOf(frozen.stdout)).toEqual([["online_store", 8, false], ["marketplace", 0, true]]);
    expect(frozen.stdout).toContain("frozen while inventory updates are late: pool 8 < 10");
  });

  it("prints a readable table with --format table", async () => {
    const result = await runCli("--policy", policy, "--snapshot", snapshot, "--now", "2026-11-23T13:00:00Z", "--format", "table");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("withheld for higher tiers: pool 6 < 20");
    expect(result.stdout).toMatch(/RING-7\s+Soho\s+8\s+2\s+6\s+1 on display at Soho; 1 safety stock for SKU RING-7/);
  });

  it("lists every policy problem on stderr and exits 2", async () => {
    const bad = file("bad-policy.json", {
      version: 1,
      protection: [{ kind: "safety_stock", units: -1 }, { kind: "display", units: 1, location: "Paris", sku: "RING-7" }],
      channels: [{ channel: "marketplace", allocationPercent: 150 }],
    });
    const result = await runCli("--policy", bad, "--snapshot", snapshot, "--now", "2026-11-23T13:00:00Z");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([
      `${bad}: protection[0].units: must not be negative, got -1`,
      `${bad}: protection[1].location: unknown location "Paris"`,
      `${bad}: channels[0].allocationPercent: must be a number from 0 to 100, got 150`,
    ]);
  });

  it("checks channel names against --channels", async () => {
    const result = await runCli("--policy", policy, "--snapshot", snapshot, "--channels", "online_store,marketplace");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('channels[2].channel: unknown channel "wholesale"');
  });

  it("refuses an invalid snapshot with exit 2", async () => {
    const bad = file("bad-snapshot.json", { syncLagMinutes: 5, levels: [{ sku: "A", location: "X", onHand: -1 }] });
    const result = await runCli("--policy", policy, "--snapshot", bad);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad}: levels[0].onHand: must not be negative, got -1`);
    expect(result.stderr).toContain(`${bad}: levels[0].committed: is required`);
  });

  it.each([
    ["a missing --policy", ["--snapshot", "x.json"], "--policy is required"],
    ["an unreadable file", ["--policy", "/does/not/exist.json", "--snapshot", "x.json"], "cannot read policy file /does/not/exist.json: ENOENT"],
    ["a file that is not JSON", ["--policy", path.join(dir, "broken.json"), "--snapshot", "x.json"], "is not valid JSON"],
    ["a bad --now", ["--policy", "p", "--snapshot", "s", "--now", "tomorrow"], "--now must be an ISO-8601 instant"],
    ["an unknown flag", ["--polcy", "p"], "Unknown option '--polcy'"],
  ])("exits 2 with a clear message for %s", async (_name, args, message) => {
    const result = await runCli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("usage: policy-plan");
  });
});
