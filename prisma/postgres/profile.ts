/**
 * The Postgres profile is derived from the SQLite one (docs/decisions/006-postgres-and-bullmq.md):
 * `prisma/schema.prisma` is the single source of the models; `prisma/postgres/schema.prisma` is
 * generated from it, and `prisma/postgres/migrations` mirrors `prisma/migrations` name for name.
 * `npm run db:postgres:sync` regenerates both; tests/postgres-profile.test.ts fails on drift.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PRISMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SQLITE_SCHEMA = path.join(PRISMA_DIR, "schema.prisma");
export const SQLITE_MIGRATIONS = path.join(PRISMA_DIR, "migrations");
export const POSTGRES_SCHEMA = path.join(PRISMA_DIR, "postgres", "schema.prisma");
export const POSTGRES_MIGRATIONS = path.join(PRISMA_DIR, "postgres", "migrations");
/** The Postgres schema as of the newest Postgres migration: the "from" side of the next diff. */
export const POSTGRES_MIGRATED_SCHEMA = path.join(PRISMA_DIR, "postgres", "schema.migrated.prisma");

export const SYNC_COMMAND = "npm run db:postgres:sync";

/**
 * Indexes Prisma's schema cannot express (partial ones), each created by a hand-written migration
 * on both profiles with exactly this text. `db:postgres:sync` diffs schema to schema and never
 * sees them; tests/postgres-profile.test.ts adds them to the schema's side of the drift check.
 * - One acted-on delivery per event (docs/decisions/025, app/models/webhook-delivery.server.ts
 *   `recordDeliveryOnce`): migration 20261206080000_delivery_event_acted_on_once.
 */
export const RAW_INDEXES: readonly string[] = [
  `CREATE UNIQUE INDEX "WebhookDelivery_acted_on_event_key" ON "WebhookDelivery"("shop", "topic", "eventId") WHERE "eventId" IS NOT NULL AND "status" IN ('received', 'failed', 'processed');`,
];

const GENERATED_HEADER =
  "// GENERATED from prisma/schema.prisma by `npm run db:postgres:sync` — do not edit; edit the SQLite schema.\n";

/**
 * The Postgres twin of the SQLite schema: same models, `postgresql` provider, and its own
 * generated client (`node_modules/.prisma-postgres/client`, loaded by app/db.server.ts) because a
 * Prisma client is compiled for one provider.
 */
export function postgresSchemaFrom(sqliteSchema: string): string {
  const datasource = /provider\s*=\s*"sqlite"/;
  const generator = /(engineType\s*=\s*"client")/;
  if (!datasource.test(sqliteSchema) || !generator.test(sqliteSchema)) {
    throw new Error('prisma/schema.prisma: expected `provider = "sqlite"` and `engineType = "client"` to derive the Postgres schema');
  }
  return (
    GENERATED_HEADER +
    sqliteSchema
      .replace(datasource, 'provider = "postgresql"')
      .replace(generator, '$1\n  output     = "../../node_modules/.prisma-postgres/client"')
      .replace(/file:\.\/prisma\/dev\.sqlite/g, "postgresql://…")
  );
}

export function migrationNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+_/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

export function readMigration(dir: string, name: string): string {
  return readFileSync(path.join(dir, name, "migration.sql"), "utf8");
}
