/**
 * `npm run test:model -- --runs 200 [--seed N] [--max-commands 20] [--trace]`: a longer hunt with
 * the model-based pipeline test. Without --seed a fresh one is drawn and printed first, so any
 * failure can be replayed; fast-check prints the seed, the replay path and the shrunk sequence.
 */
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "50" },
    seed: { type: "string" },
    "max-commands": { type: "string", default: "20" },
    trace: { type: "boolean", default: false },
  },
});
const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
const runs = Number(values.runs);
console.log(`model-based test: ${runs} runs, seed ${seed}, up to ${values["max-commands"]} commands each`);
const result = spawnSync(
  "npx",
  ["vitest", "run", "--config", "tests/vitest.config.ts", "tests/model/pipeline.model.test.ts", "-t", "holds every invariant"],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      MODEL_RUNS: String(runs),
      MODEL_SEED: seed,
      MODEL_MAX_COMMANDS: values["max-commands"],
      // Roughly 10 s per sequence on two cores, with room to shrink a failure.
      MODEL_TIMEOUT_MS: String(Math.max(240_000, runs * 20_000)),
      ...(values.trace ? { MODEL_TRACE: "1" } : {}),
    },
  },
);
console.log(`model-based test: seed ${seed} (replay with --seed ${seed} --runs ${runs})`);
process.exit(result.status ?? 1);
