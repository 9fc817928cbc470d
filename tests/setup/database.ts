import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const migrationsDir = path.join(repoRoot, "prisma/migrations");

/**
 * A fresh SQLite file with every committed migration applied, in order — the same SQL
 * `prisma migrate deploy` runs (CI also runs that against the dev database) — so each test file
 * can have its own database. Copied from a template migrated once per set of migrations: applying
 * them takes ~0.7 s (each statement its own synced transaction), a copy under a millisecond, and
 * every test file starts with one (docs/decisions/037).
 */
export function createTestDatabase(): { url: string; file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "safestock-test-"));
  const file = path.join(dir, "test.sqlite");
  try {
    copyFileSync(migratedTemplate(), file);
  } catch (error) {
    // A run of this checkout with other migrations (edited meanwhile) removed the template: make it again.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    copyFileSync(migratedTemplate(), file);
  }
  return { url: `file:${file}`, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The migrated template for the migrations as they are now, named by their digest, so an added
 * or edited migration makes a new one. Written under a private name and renamed into place
 * (atomic), so test files starting at once never copy a half-migrated file; each checkout keeps
 * its own directory, where the templates of older migrations are removed.
 */
function migratedTemplate(): string {
  const migrations = readdirSync(migrationsDir)
    .filter((entry) => /^\d+_/.test(entry))
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8") }));
  const digest = createHash("sha256");
  for (const { name, sql } of migrations) digest.update(`${name}\0${sql}\0`);
  const templates = path.join(tmpdir(), `safestock-test-templates-${createHash("sha256").update(repoRoot).digest("hex").slice(0, 12)}`);
  const template = path.join(templates, `${digest.digest("hex").slice(0, 24)}.sqlite`);
  mkdirSync(templates, { recursive: true });
  if (readdirSync(templates).includes(path.basename(template))) return template;

  const partial = `${template}.${process.pid}.partial`;
  const db = new Database(partial);
  for (const { sql } of migrations) db.exec(sql);
  db.close();
  renameSync(partial, template);
  for (const entry of readdirSync(templates)) {
    const older = entry.endsWith(".sqlite") && entry !== path.basename(template);
    const abandoned = entry.endsWith(".partial") && Date.now() - modifiedAt(path.join(templates, entry)) > 600_000; // its writer was killed
    if (older || abandoned) rmSync(path.join(templates, entry), { force: true });
  }
  return template;
}

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Date.now(); // already gone
  }
}
