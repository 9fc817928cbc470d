/**
 * Importing starts nothing (docs/decisions/023-composition-root.md): every app module but the
 * entry points (routes, app/entry.server.tsx, app/root.tsx, the CLIs, the worker) and the
 * composition root imports in a fresh process with no environment variables at all, without
 * throwing and without opening anything — no database file, socket, timer or worker. What a
 * process runs is started by its entry point asking the root.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const appDir = path.join(root, "app");

/** Run by themselves, not imported: they start what their process runs. */
const ENTRY_POINTS = [/^routes\//, /^entry\.server\.tsx$/, /^root\.tsx$/, /^composition\.server\.ts$/, /^cli\/[^/]+\.ts$/, /^jobs\/worker-cli\.ts$/];

function appModules(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === "__fixtures__" ? [] : appModules(full);
    const relative = path.relative(appDir, full);
    if (!/\.(ts|tsx)$/.test(entry) || /\.test\.tsx?$/.test(entry) || entry.endsWith(".d.ts")) return [];
    return ENTRY_POINTS.some((pattern) => pattern.test(relative)) ? [] : [full];
  });
}

interface ProbeResult {
  failures: { file: string; error: string }[];
  before: string[];
  after: string[];
}

describe("importing an app module", () => {
  it("throws nothing and starts nothing, with no environment variables set", async () => {
    const modules = appModules(appDir);
    // The list covers the layers: a wrong filter would make this test pass on nothing.
    for (const layer of ["db.server.ts", "env.server.ts", "shopify.server.ts", "models/", "services/", "jobs/", "shopify/", "domain/", "components/"]) {
      expect(modules.some((file) => path.relative(appDir, file).startsWith(layer)), layer).toBe(true);
    }
    // An empty working directory: a client that connected would create the default SQLite file
    // (DATABASE_URL's default, ./prisma/dev.sqlite) there; better-sqlite3 holds no handle to see.
    const cwd = mkdtempSync(path.join(tmpdir(), "safestock-imports-"));
    try {
      mkdirSync(path.join(cwd, "prisma"));
      symlinkSync(path.join(root, "node_modules"), path.join(cwd, "node_modules"), "dir");
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", path.join(root, "tests/support/import-every-module.ts"), ...modules],
        // Only what finds `node`, tsx's cache and the `~/` alias: no NODE_ENV, DATABASE_URL, SHOPIFY_*.
        {
          cwd,
          // (app/env.d.ts types NODE_ENV as always set; leaving it unset is the point here.)
          env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, TSX_TSCONFIG_PATH: path.join(root, "tsconfig.json") } as unknown as NodeJS.ProcessEnv,
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as ProbeResult;
      expect(result.failures).toEqual([]);
      // What the process held before the imports may have finished since (tsx's own connection
      // settles into its pipe; the loader's one-shot file requests end): no kind may have grown.
      const count = (resources: string[]) =>
        resources.reduce<Record<string, number>>((counts, kind) => ({ ...counts, [kind]: (counts[kind] ?? 0) + 1 }), {});
      const before = count(result.before);
      const grown = Object.entries(count(result.after)).filter(([kind, n]) => n > (before[kind] ?? 0));
      expect(grown, `held after the imports: ${JSON.stringify(result.after)}; before: ${JSON.stringify(result.before)}`).toEqual([]);
      expect(readdirSync(path.join(cwd, "prisma"))).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});
