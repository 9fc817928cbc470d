/**
 * The Postgres profile stays in step with SQLite (docs/decisions/006-postgres-and-bullmq.md):
 * same models, a Postgres twin for every SQLite migration, and Postgres migrations that build
 * exactly the schema the Postgres client was generated from. Every failure says what to run.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { deployPostgresMigrations, dropPostgresDatabase, ensurePostgresDatabase } from "../prisma/postgres/deploy";
import {
  POSTGRES_MIGRATED_SCHEMA,
  POSTGRES_MIGRATIONS,
  POSTGRES_SCHEMA,
  PRISMA_DIR,
  RAW_INDEXES,
  SQLITE_MIGRATIONS,
  SQLITE_SCHEMA,
  SYNC_COMMAND,
  migrationNames,
  postgresSchemaFrom,
  readMigration,
} from "../prisma/postgres/profile";

const FIX = `Run \`${SYNC_COMMAND}\` (PostgreSQL on 127.0.0.1:5432) and commit prisma/postgres/.`;
const ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const scratch: string[] = [];

function scratchUrl(label: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/safestock_drift_${label}_${randomBytes(4).toString("hex")}`;
  scratch.push(url.toString());
  return url.toString();
}

afterAll(async () => {
  for (const url of scratch) await dropPostgresDatabase(url);
});

function modelsOf(schema: string): string[] {
  return [...schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map(([, name, body]) => `${name}{${body.replace(/\s+/g, " ").trim()}}`).sort();
}

/** Tables, columns, indexes and constraints of the public schema, as comparable text. */
async function catalog(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(`SELECT table_name || '.' || column_name || ' ' || udt_name || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
    const indexes = await client.query(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
    const constraints = await client.query(`SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('_prisma_migrations', '"_prisma_migrations"')`);
    return [...columns.rows, ...indexes.rows, ...constraints.rows].map((row: { line: string }) => row.line).sort();
  } finally {
    await client.end();
  }
}

describe("postgres profile", () => {
  it("is generated from the SQLite schema (same models)", () => {
    const sqlite = readFileSync(SQLITE_SCHEMA, "utf8");
    const postgres = readFileSync(POSTGRES_SCHEMA, "utf8");
    expect(modelsOf(postgres), `prisma/postgres/schema.prisma has other models than prisma/schema.prisma. ${FIX}`).toEqual(modelsOf(sqlite));
    expect(postgres, `prisma/postgres/schema.prisma is not what prisma/schema.prisma generates. ${FIX}`).toBe(postgresSchemaFrom(sqlite));
    expect(readFileSync(POSTGRES_MIGRATED_SCHEMA, "utf8"), `prisma/postgres/schema.migrated.prisma lags the schema. ${FIX}`).toBe(postgres);
  });

  it("has a Postgres twin for every SQLite migration, by name", () => {
    expect(migrationNames(POSTGRES_MIGRATIONS), `prisma/postgres/migrations differs from prisma/migrations. ${FIX}`).toEqual(
      migrationNames(SQLITE_MIGRATIONS),
    );
  });

  it("creates each index the schema cannot express (RAW_INDEXES) by a migration on both profiles", () => {
    for (const index of RAW_INDEXES) {
      for (const dir of [SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS]) {
        const creating = migrationNames(dir).filter((name) => readMigration(dir, name).includes(index));
        expect(creating, `${path.relative(PRISMA_DIR, dir)}: no migration creates ${index}`).toHaveLength(1);
      }
    }
  });

  it("builds, from its migrations, exactly the schema the client is generated from", async () => {
    const migrated = scratchUrl("migrated");
    await ensurePostgresDatabase(migrated);
    await deployPostgresMigrations(migrated);

    const expected = scratchUrl("schema");
    await ensurePostgresDatabase(expected);
    const root = path.resolve(PRISMA_DIR, "..");
    const sql = execFileSync(
      path.join(root, "node_modules/.bin/prisma"),
      ["migrate", "diff", "--from-empty", "--to-schema-datamodel", POSTGRES_SCHEMA, "--script", "--config", path.join(PRISMA_DIR, "postgres/prisma.config.ts")],
      { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DATABASE_URL: expected } },
    );
    const client = new pg.Client({ connectionString: expected });
    await client.connect();
    await client.query(sql);
    // The partial indexes the schema cannot express, created by hand-written migrations.
    for (const index of RAW_INDEXES) await client.query(index);
    await client.end();

    expect(await catalog(migrated), `prisma/postgres/migrations do not build prisma/postgres/schema.prisma. ${FIX}`).toEqual(await catalog(expected));
  }, 60_000);
});
