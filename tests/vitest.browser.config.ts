import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Browser tests: the built app under remix-serve + the emulated shop over HTTP, driven by
// Debian's Chromium through playwright-core. The app is built once (global setup); each test
// file starts its own stack on free ports with its own database.
export default defineConfig({
  root,
  resolve: { alias: { "~": path.join(root, "app") } },
  test: {
    include: ["tests/browser/**/*.test.ts"],
    globalSetup: [path.join(root, "tests/browser/global-setup.ts")],
    pool: "forks",
    // One stack and one browser at a time: they are the expensive part, not the assertions.
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
