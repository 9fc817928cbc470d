/**
 * The Postgres + BullMQ test profile (TEST_PROFILE=postgres, run by .ci/run): each test file
 * gets its own migrated PostgreSQL database (a copy of a template migrated once, below) and its
 * own Redis key prefix, so the unchanged integration tests run on the production engines
 * (docs/scale-out.md).
 */
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { deployPostgresMigrations, dropPostgresDatabase } from "../../prisma/postgres/deploy";
import { migrationNames, POSTGRES_MIGRATIONS, readMigration } from "../../prisma/postgres/profile";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TEMPLATE_LOCK = 72_707_370; // beside prisma/postgres/deploy.ts's migration lock

export function postgresProfileSelected(): boolean {
  return process.env.TEST_PROFILE === "postgres";
}

export async function createPostgresProfile(): Promise<{ url: string; remove(): Promise<void> }> {
  const id = randomBytes(5).toString("hex");
  const admin = new URL(process.env.POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  admin.pathname = `/safestock_test_${id}`;
  const url = admin.toString();
  await createMigratedDatabase(url);
  process.env.QUEUE = "bullmq";
  process.env.QUEUE_PREFIX = `safestock-test-${id}`;
  // Small pools: a test file is one process, and ~a dozen files may run at once.
  process.env.DATABASE_POOL_SIZE ??= "4";
  // Tests that let a lease run out (a worker "dies") should not wait BullMQ's 30-s sweeps.
  process.env.QUEUE_STALLED_INTERVAL_MS ??= "500";
  return {
    url,
    async remove() {
      const { closeSharedRedis, createRedis } = await import("~/jobs/redis.server");
      await closeSharedRedis();
      const redis = createRedis();
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `safestock-test-${id}:*`, "COUNT", 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      await redis.quit();
      const { default: prisma } = await import("~/db.server");
      try {
        await prisma.$disconnect();
      } catch (error) {
        // A test file that never composed the app (the extensions' fixture tests) opened no client.
        if (!String(error).includes("not composed yet")) throw error;
      }
      await dropPostgresDatabase(url);
    },
  };
}

/**
 * Creates `url`'s database as a copy of a template database that `deployPostgresMigrations` migrated
 * once for the Postgres migrations as they are now: `CREATE DATABASE … TEMPLATE` took 55 ms on a
 * quiet machine where creating and migrating took 310 ms, and every test file of the profile starts
 * with one (docs/decisions/037). The copy holds the same schema and `_prisma_migrations` rows.
 *
 * The template's name carries this checkout's and the migrations' digests (names and sha256 of
 * each, the checksum `deployPostgresMigrations` records), so an added or edited migration makes a
 * new one. When it does not exist yet (invalid_catalog_name), it is made under an advisory lock
 * (test files start at once), under a private name, checked against what was applied, closed to
 * connections (a connected session would make `CREATE DATABASE … TEMPLATE` fail) and renamed into
 * place; this checkout's templates of older migrations are dropped.
 */
async function createMigratedDatabase(url: string): Promise<void> {
  const migrations = migrationNames(POSTGRES_MIGRATIONS).map((name) => ({ name, checksum: createHash("sha256").update(readMigration(POSTGRES_MIGRATIONS, name)).digest("hex") }));
  const prefix = `safestock_tpl_${createHash("sha256").update(repoRoot).digest("hex").slice(0, 8)}_`;
  const template = `${prefix}${createHash("sha256").update(JSON.stringify(migrations)).digest("hex").slice(0, 16)}`;
  await withAdminConnection(url, async (admin) => {
    const copy = () => admin.query(`CREATE DATABASE ${quoted(databaseName(url))} TEMPLATE ${quoted(template)}`);
    try {
      await copy();
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "3D000") throw error;
    }
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
      if (exists.rowCount === 0) await makeTemplate(admin, url, { template, prefix, migrations });
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]).catch(() => undefined);
    }
    await copy();
  });
}

async function makeTemplate(admin: pg.Client, url: string, { template, prefix, migrations }: { template: string; prefix: string; migrations: { name: string; checksum: string }[] }) {
  const partial = `${template}_partial`;
  await admin.query(`DROP DATABASE IF EXISTS ${quoted(partial)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${quoted(partial)}`);
  const partialUrl = new URL(url);
  partialUrl.pathname = `/${partial}`;
  await deployPostgresMigrations(partialUrl.toString());
  await assertApplied(partialUrl.toString(), migrations);
  await admin.query(`ALTER DATABASE ${quoted(partial)} WITH ALLOW_CONNECTIONS false`);
  await admin.query(`ALTER DATABASE ${quoted(partial)} RENAME TO ${quoted(template)}`);
  const older = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1 AND datname <> $2", [prefix, template]);
  for (const { datname } of older.rows) await admin.query(`DROP DATABASE IF EXISTS ${quoted(datname)} WITH (FORCE)`);
}

/** The template holds the migrations its name says (not ones edited while it was being made). */
async function assertApplied(url: string, expected: { name: string; checksum: string }[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const applied = await client.query<{ name: string; checksum: string }>(
      `SELECT "migration_name" AS "name", "checksum" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL ORDER BY "migration_name" COLLATE "C"`,
    );
    if (JSON.stringify(applied.rows) !== JSON.stringify(expected)) throw new Error("prisma/postgres/migrations changed while the test template database was being migrated: run the tests again");
  } finally {
    await client.end();
  }
}

/** `work` on the server's `postgres` database (the one `url` names need not exist yet). */
async function withAdminConnection<T>(url: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** Names here are ours (hex digests, random hex ids); checked anyway before they reach SQL. */
function quoted(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  return `"${name}"`;
}
