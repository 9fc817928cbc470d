/**
 * `prisma migrate deploy` for the Postgres profile, without Prisma's schema engine.
 *
 * Why: Prisma 6.19's WebAssembly schema engine cannot migrate through `@prisma/adapter-pg`
 * (https://github.com/prisma/orm/issues/27403: "Column type 'name' could not be deserialized"),
 * and the native engine is a download this environment cannot make. This applies each
 * `prisma/postgres/migrations/<name>/migration.sql` once, in name order, in its own transaction,
 * and records it in Prisma's own `_prisma_migrations` table (same columns, sha256 checksum), so
 * `prisma migrate deploy` with a native engine can take over on a machine that has one.
 * A session advisory lock keeps two processes (web and workers starting together) from racing.
 */
import { createHash, randomUUID } from "node:crypto";
import pg from "pg";
import { POSTGRES_MIGRATIONS, migrationNames, readMigration } from "./profile";

const MIGRATION_LOCK = 72_707_369; // Prisma migrate's own advisory lock key

export async function deployPostgresMigrations(
  connectionString: string,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<{ applied: string[] }> {
  const dir = options.dir ?? POSTGRES_MIGRATIONS;
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT "migration_name", "checksum" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
    );
    const appliedBefore = new Map(done.rows.map((row) => [row.migration_name, row.checksum]));
    const applied: string[] = [];
    for (const name of migrationNames(dir)) {
      const sql = readMigration(dir, name);
      const checksum = createHash("sha256").update(sql).digest("hex");
      const previous = appliedBefore.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`migration ${name} was edited after it was applied (checksum differs)`);
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count") VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), checksum, name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
      options.log?.(`applied ${name}`);
      applied.push(name);
    }
    return { applied };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** Runs `work` on the server's `postgres` database with the (checked) name of `connectionString`'s database. */
async function withAdminConnection(connectionString: string, work: (admin: pg.Client, name: string) => Promise<void>): Promise<void> {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await work(admin, name);
  } finally {
    await admin.end();
  }
}

/** Creates the database of `connectionString` if it does not exist. */
export function ensurePostgresDatabase(connectionString: string): Promise<void> {
  return withAdminConnection(connectionString, async (admin, name) => {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  });
}

export function dropPostgresDatabase(connectionString: string): Promise<void> {
  return withAdminConnection(connectionString, async (admin, name) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith("postgres")) {
    console.error("DATABASE_URL must be a postgresql:// URL");
    process.exit(2);
  }
  await ensurePostgresDatabase(url);
  const { applied } = await deployPostgresMigrations(url, { log: (line) => console.info(line) });
  console.info(applied.length === 0 ? "postgres: no pending migrations" : `postgres: ${applied.length} migration(s) applied`);
}
