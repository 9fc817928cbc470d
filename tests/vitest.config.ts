import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { SlowestFilesFirst } from "./support/slow-files-first";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Unit tests sit beside the code; integration tests (sandbox via msw) live in tests/.
// Browser tests have their own config (tests/vitest.browser.config.ts).
export default defineConfig({
  root,
  resolve: { alias: { "~": path.join(root, "app") } },
  test: {
    include: [
      "app/**/*.test.{ts,tsx}",
      "sandbox/**/*.test.ts",
      "extensions/**/*.test.ts",
      "tests/**/*.test.ts",
    ],
    exclude: ["tests/browser/**", "**/node_modules/**"],
    setupFiles: [path.join(root, "tests/setup/environment.ts")],
    pool: "forks",
    // Two files at a time at least: vitest's default (cores − 1) is a single worker on the 2-core CI
    // machine, and most integration files spend much of their time waiting (delivery delays, bulk
    // polls, child processes) rather than computing. Each file has its own database (and, on the
    // PostgreSQL profile, its own Redis prefix), so files do not share state.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The longest files start first, so the run does not end on one of them (tests/support/slow-files-first.ts).
    sequence: { sequencer: SlowestFilesFirst },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
