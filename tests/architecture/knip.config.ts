/**
 * knip: unused files, exports and dependencies (docs/decisions/001-layers-and-pure-domain.md,
 * "Enforcement"). Run: `npm run -s lint:unused` (part of `npm test`). What it reports is deleted,
 * not listed here; the entries below are the ways code is started that knip cannot see itself.
 */
import type { KnipConfig } from "knip";

const config: KnipConfig = {
  workspaces: {
    ".": {
      // package.json scripts (policy CLIs, worker, sandbox, bench, model) and the Remix routes are
      // found by knip itself; these are started another way.
      entry: [
        "sandbox/index.ts", // the emulator's public API (its header shows the use)
        "sandbox/app-preload.mjs", // node --import, from sandbox/stack.ts and tests/scale-out
        "sandbox/remix-build.mjs", // spawned by sandbox/stack.ts
        "bench/*.bench.ts", // loaded by bench/run.ts by name
        "tests/scale-out/seed-process.ts", // spawned by tests/scale-out/cluster.ts
        "tests/scale-out/web-process.ts",
        "tests/support/import-every-module.ts", // spawned by tests/import-starts-nothing.test.ts
        "prisma/**/*.{ts,mjs}", // prisma config files and the Postgres profile scripts
      ],
      project: ["app/**/*.{ts,tsx}", "sandbox/**/*.{ts,mjs}", "tests/**/*.ts", "bench/**/*.ts", "prisma/**/*.{ts,mjs}"],
      // Written by `npm run codegen` from Shopify's schema: it types every operation, used or not.
      ignore: ["app/shopify/admin-types.generated.ts"],
      vitest: { config: ["tests/vitest.config.ts", "tests/vitest.browser.config.ts"] },
    },
    // Each extension is deployed on its own by the Shopify CLI, with its own package.json.
    "extensions/*": {
      entry: ["src/index.ts", "src/*.jsx", "tests/**/*.test.ts"],
      project: ["src/**/*.{ts,jsx}", "tests/**/*.ts"],
      // The Shopify CLI's function build and typegen use these (package.json "codegen"), no source file.
      ignoreDependencies: ["@shopify/shopify_function", "@graphql-codegen/typescript"],
    },
  },
  // An export used inside its own module is not dead code, only a wider door than needed.
  ignoreExportsUsedInFile: true,
  // The Shopify CLI is installed on its own (shopify.dev/docs/api/shopify-cli); 4.x needs Node 22.
  // chattr: tests/healthz.test.ts makes the database file immutable (a root process ignores file modes).
  ignoreBinaries: ["shopify", "chattr"],
};

export default config;
