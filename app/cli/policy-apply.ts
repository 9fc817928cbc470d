/**
 * policy:apply — publishes a policy file (format v1, docs/policy.md) as a shop's whole policy,
 * through the same service the Policy page uses: checked by the one policy check, stored as
 * a new version, applied by the worker (a reconciliation job is queued).
 *
 *   npm run -s policy:apply -- --policy policy.json --shop example.myshopify.com [--note "…"] [--run]
 *
 * `--run` also runs the worker in this process until the shop's queue is drained (handy when no
 * worker is running). Exit 0 on success; exit 2 with every problem on stderr for bad usage, an
 * unreadable file or an invalid policy — nothing is changed then.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readPolicyText, type Problem } from "~/domain";

const USAGE = "usage: policy-apply --policy <policy.json> --shop <shop.myshopify.com> [--note <text>] [--run]";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** README: invalid → every problem on stderr, exit 2, nothing changed. */
function refuse(problems: readonly Problem[]): never {
  const lines = problems.map((problem) => `  ${problem.path || "(policy)"}: ${problem.message}`);
  fail(`The policy was refused; nothing was changed (${problems.length} problem(s)):\n${lines.join("\n")}`);
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: { policy: { type: "string" }, shop: { type: "string" }, note: { type: "string" }, run: { type: "boolean" } },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (!values.policy || !values.shop) fail(USAGE);

  let text = "";
  try {
    text = readFileSync(values.policy, "utf8");
  } catch (error) {
    fail(`cannot read ${values.policy}: ${(error as Error).message}`);
  }
  // Oversized or too deeply nested files are refused before they are parsed.
  const document = readPolicyText(text, "policy");
  if (!document.ok) refuse(document.problems);

  // Imported after argument checks so `--help`-style mistakes answer without opening the database.
  const { compose } = await import("~/composition.server");
  compose();
  const { publishPolicy } = await import("~/services/policy.server");
  const result = await publishPolicy(values.shop, document.value, { createdBy: "policy:apply", note: values.note ?? null });
  if (!result.ok) refuse(result.problems);
  process.stdout.write(`Published policy v${result.version} for ${values.shop}; the worker applies it.\n`);

  if (values.run) {
    const { createWorker } = await import("~/jobs/worker.server");
    const { jobHandlers, jobQueue } = await import("~/composition.server");
    const counts = await createWorker({ queue: jobQueue(), handlers: jobHandlers() }).runUntilIdle({ shop: values.shop });
    process.stdout.write(`Ran ${counts.processed} job(s): ${counts.succeeded} succeeded, ${counts.retried} to retry, ${counts.dead} failed.\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`policy:apply failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
