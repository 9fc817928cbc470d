/**
 * `npm run db:postgres:sync`: brings the Postgres profile in step with the SQLite one.
 *
 * 1. Regenerates prisma/postgres/schema.prisma from prisma/schema.prisma.
 * 2. For every SQLite migration without a Postgres twin (same directory name), writes one:
 *    the newest gets the SQL that takes the Postgres schema from its last migrated state
 *    (prisma/postgres/schema.migrated.prisma) to the current one (`prisma migrate diff`, offline);
 *    older ones missing at the same time (branches merged together) get a comment saying they
 *    are folded into it — the combined change is applied once, in the right final shape.
 * 3. Records the new migrated state and generates the Postgres client.
 * Commit everything under prisma/postgres/ afterwards. tests/postgres-profile.test.ts checks
 * the result (same models, same names, and the migrations build exactly the schema).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  POSTGRES_MIGRATED_SCHEMA,
  POSTGRES_MIGRATIONS,
  POSTGRES_SCHEMA,
  PRISMA_DIR,
  SQLITE_MIGRATIONS,
  SQLITE_SCHEMA,
  migrationNames,
  postgresSchemaFrom,
} from "./profile";

const root = path.resolve(PRISMA_DIR, "..");
const config = path.join(PRISMA_DIR, "postgres", "prisma.config.ts");

function prisma(args: string[]): string {
  return execFileSync(path.join(root, "node_modules", ".bin", "prisma"), [...args, "--config", config], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    // `migrate diff` between two schema files still opens a connection: any reachable database does.
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : "postgresql://postgres@127.0.0.1:5432/postgres" },
  });
}

writeFileSync(POSTGRES_SCHEMA, postgresSchemaFrom(readFileSync(SQLITE_SCHEMA, "utf8")));
console.info(`wrote ${path.relative(root, POSTGRES_SCHEMA)}`);

const sqlite = migrationNames(SQLITE_MIGRATIONS);
const postgres = new Set(migrationNames(POSTGRES_MIGRATIONS));
const orphans = [...postgres].filter((name) => !sqlite.includes(name));
if (orphans.length > 0) {
  console.error(`Postgres migrations without a SQLite twin: ${orphans.join(", ")}. Remove them or restore the SQLite ones.`);
  process.exit(1);
}
const missing = sqlite.filter((name) => !postgres.has(name));

const from = existsSync(POSTGRES_MIGRATED_SCHEMA) ? ["--from-schema-datamodel", POSTGRES_MIGRATED_SCHEMA] : ["--from-empty"];
const sql = prisma(["migrate", "diff", ...from, "--to-schema-datamodel", POSTGRES_SCHEMA, "--script"]).trim();
const changes = sql.length > 0 && !/^-- This is an empty migration\.?$/.test(sql);

if (missing.length === 0) {
  if (changes) {
    console.error("prisma/schema.prisma changed without a SQLite migration: add prisma/migrations/<timestamp>_<name> first, then run this again.");
    process.exit(1);
  }
  console.info("postgres migrations: in step");
} else {
  const newest = missing[missing.length - 1];
  for (const name of missing) {
    mkdirSync(path.join(POSTGRES_MIGRATIONS, name), { recursive: true });
    const body =
      name === newest
        ? `${changes ? sql : "-- No Postgres change."}\n`
        : `-- Folded into ${newest}: synced together (npm run db:postgres:sync), the combined change is applied there.\n`;
    writeFileSync(path.join(POSTGRES_MIGRATIONS, name, "migration.sql"), body);
    console.info(`wrote prisma/postgres/migrations/${name}/migration.sql`);
  }
}
copyFileSync(POSTGRES_SCHEMA, POSTGRES_MIGRATED_SCHEMA);
execFileSync(process.execPath, [path.join(PRISMA_DIR, "postgres", "generate.mjs")], { cwd: root, stdio: "ignore" });
console.info("generated the Postgres client (node_modules/.prisma-postgres/client)");
