import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

/**
 * A fresh SQLite file with every committed migration applied, in order — the same SQL
 * `prisma migrate deploy` runs (CI also runs that against the dev database), but in
 * milliseconds so each test file can have its own database.
 */
export function createTestDatabase(): { url: string; file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "safestock-test-"));
  const file = path.join(dir, "test.sqlite");
  const db = new Database(file);
  for (const name of readdirSync(migrationsDir).filter((entry) => /^\d+_/.test(entry)).sort()) {
    db.exec(readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8"));
  }
  db.close();
  return { url: `file:${file}`, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
