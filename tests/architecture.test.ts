/**
 * The layer rules of docs/decisions/001-layers-and-pure-domain.md are checked by dependency-cruiser
 * (`npm run -s lint:architecture`, config in tests/architecture/). This test keeps its allow-list
 * honest: every known violation must still be found by the full rules, so an entry is deleted
 * with its fix, and the full rules find nothing else.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const KNOWN_VIOLATIONS = require("./architecture/known-violations.cjs") as { rule: string; from: string; to: string[]; fix: string }[];

interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string };
}

/** Every violation of the rules without the allow-list (`lint:architecture:strict`), as `rule: from → to`. */
function strictViolations(): string[] {
  const run = spawnSync("npm", ["run", "-s", "lint:architecture", "--", "--output-type", "json"], {
    cwd: root,
    env: { ...process.env, ARCHITECTURE_STRICT: "1" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (!run.stdout.trim().startsWith("{")) throw new Error(`dependency-cruiser did not run: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  expect(result.summary.totalCruised, "the cruise found the code").toBeGreaterThan(300);
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe("architecture (docs/decisions/001)", () => {
  it("finds every known violation, and nothing else", () => {
    const found = strictViolations();
    const known = KNOWN_VIOLATIONS.flatMap((entry) => entry.to.map((to) => `${entry.rule}: ${entry.from} → ${to}`));
    expect(
      known.filter((violation) => !found.includes(violation)),
      "fixed: delete these from tests/architecture/known-violations.cjs",
    ).toEqual([]);
    expect(
      found.filter((violation) => !known.includes(violation)),
      "new violations of decision 001: fix them (see the rule's comment in tests/architecture/dependency-cruiser.cjs)",
    ).toEqual([]);
  }, 180_000);

  it("says how each known violation is to be removed", () => {
    for (const entry of KNOWN_VIOLATIONS) expect(entry.fix.length, `${entry.from}: fix`).toBeGreaterThan(20);
  });
});
