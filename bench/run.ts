/**
 * Benchmark runner: `npm run bench` runs every bench/<name>.bench.ts; `npm run bench -- engine` runs one.
 * A bench file default-exports `{ description, run }`; adding a file is all it takes to add a benchmark.
 * Figures are printed, never asserted: timing depends on the machine.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface Benchmark {
  readonly description: string;
  run(): Promise<void> | void;
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const SUFFIX = ".bench.ts";
const available = readdirSync(benchDir)
  .filter((name) => name.endsWith(SUFFIX))
  .map((name) => name.slice(0, -SUFFIX.length))
  .sort();

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark: ${unknown.join(", ")}\navailable: ${available.join(", ")}\n`);
  process.exitCode = 2;
} else {
  for (const name of requested.length > 0 ? requested : available) {
    const module = (await import(pathToFileURL(path.join(benchDir, name + SUFFIX)).href)) as { default: Benchmark };
    process.stdout.write(`\n== ${name}: ${module.default.description}\n`);
    await module.default.run();
  }
}
