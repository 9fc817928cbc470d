import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

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
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
