/**
 * policy:plan — plans availability for a policy file against an inventory snapshot file.
 *
 *   npm run -s policy:plan -- --policy policy.json --snapshot snapshot.json [--now ISO] [--format json|table] [--channels a,b] [--frozen reason]
 *
 * `--frozen "reason"` plans as the app does while the webhook-health freeze is on (the Sync
 * page shows the reason): low-stock SKUs paused on lower-tier channels, with the same
 * explanation lines.
 *
 * Exit 0 with the plan on stdout; exit 2 with every problem on stderr for bad usage, an unreadable
 * file, or an invalid policy/snapshot (nothing is planned from a partly valid policy).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  compilePolicy,
  shopFactsOf,
  parseInstant,
  checkPolicy,
  validateSnapshot,
  type ExplainLine,
  type Plan,
  type Problem,
} from "../domain/index";
import { freezeStateFor, planWithFreeze } from "../domain/write-plan";

const USAGE =
  "usage: policy-plan --policy <policy.json> --snapshot <snapshot.json> [--now <ISO-8601>] [--format json|table] [--channels a,b,...] [--frozen <reason>]";

class UsageError extends Error {}

interface Options {
  readonly policyPath: string;
  readonly snapshotPath: string;
  readonly now: string;
  readonly format: "json" | "table";
  readonly channels: string[] | undefined;
  /** The webhook-health freeze reason, when planning a frozen shop. */
  readonly frozen: string | undefined;
}

function readOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        policy: { type: "string" },
        snapshot: { type: "string" },
        now: { type: "string" },
        format: { type: "string", default: "json" },
        channels: { type: "string" },
        frozen: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) throw new UsageError("");
  if (values.policy === undefined) throw new UsageError("--policy is required");
  if (values.snapshot === undefined) throw new UsageError("--snapshot is required");
  if (values.format !== "json" && values.format !== "table") {
    throw new UsageError(`--format must be json or table, got "${String(values.format)}"`);
  }
  // The domain never reads the clock; the CLI is where "now" comes from.
  const now = values.now ?? new Date().toISOString();
  if (parseInstant(now) === undefined) throw new UsageError(`--now must be an ISO-8601 instant such as 2026-11-23T13:00:00Z, got "${now}"`);
  const channels = values.channels?.split(",").map((c) => c.trim()).filter((c) => c.length > 0);
  if (values.frozen !== undefined && values.frozen.trim() === "") throw new UsageError("--frozen needs a reason, e.g. --frozen \"inventory updates are late\"");
  return { policyPath: values.policy, snapshotPath: values.snapshot, now, format: values.format, channels, frozen: values.frozen };
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function formatProblems(file: string, problems: readonly Problem[]): string[] {
  return problems.map((p) => `${file}: ${p.path === "" ? "(top level)" : p.path}: ${p.message}`);
}

function why(lines: readonly ExplainLine[]): string {
  return lines.map((l) => l.reason).join("; ");
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(cells[0]!), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join("\n");
}

/** The SKU as a row's name, and the item too when the snapshot names items (twins share a SKU; some have none). */
function itemText(row: { item: string; sku: string }): string {
  if (row.item === row.sku) return row.sku;
  return `${row.sku || "(no SKU)"} [${row.item}]`;
}

function formatTable(plan: Plan): string {
  const levels = table(
    ["SKU", "Location", "Sellable", "Protected", "Available", "Why"],
    plan.levels.map((l) => [itemText(l), l.location, l.base, l.protected, l.available, why(l.explain)]),
  );
  const channels = table(
    ["SKU", "Channel", "Pool", "Available", "Paused", "Why"],
    plan.channels.map((c) => [itemText(c), c.channel, c.pool, c.available, c.paused ? "yes" : "no", why(c.explain)]),
  );
  return `Locations\n${levels}\n\nChannels\n${channels}\n`;
}

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const options = readOptions(argv);
    const policyInput = readJson(options.policyPath, "policy");
    const snapshotInput = readJson(options.snapshotPath, "snapshot");

    const snapshot = validateSnapshot(snapshotInput);
    if (!snapshot.ok) {
      // The policy is checked against the snapshot's names, so it waits for a valid snapshot.
      const lines = [...formatProblems(options.snapshotPath, snapshot.problems), `${options.policyPath}: not checked until the snapshot is valid`];
      return { code: 2, stdout: "", stderr: `${lines.join("\n")}\n` };
    }
    const known = shopFactsOf(snapshot.value, options.channels ?? snapshot.value.channels);
    const policy = checkPolicy(policyInput, known);
    if (!policy.ok) {
      return { code: 2, stdout: "", stderr: `${formatProblems(options.policyPath, policy.problems).join("\n")}\n` };
    }

    const freeze = options.frozen === undefined ? null : freezeStateFor(policy.value, options.frozen);
    const plan = planWithFreeze(compilePolicy(policy.value), snapshot.value, { now: options.now, freeze });
    const stdout = options.format === "table" ? formatTable(plan) : `${JSON.stringify(plan, null, 2)}\n`;
    return { code: 0, stdout, stderr: "" };
  } catch (error) {
    if (error instanceof UsageError) {
      return { code: 2, stdout: "", stderr: error.message === "" ? `${USAGE}\n` : `policy-plan: ${error.message}\n${USAGE}\n` };
    }
    throw error;
  }
}

const result = run(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
// exitCode rather than exit(): lets a large plan finish flushing to a pipe.
process.exitCode = result.code;
