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
    // Workers: vitest's default, cores − 1 (one on the 2-core CI machine). Two there saved 17 % on
    // six integration files but let two tests time out under a loaded machine (docs/decisions/037).
    // With several workers the longest files start first, so the run does not end on one of them
    // (tests/support/slow-files-first.ts).
    sequence: { sequencer: SlowestFilesFirst },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
