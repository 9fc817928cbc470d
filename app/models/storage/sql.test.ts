/**
 * Every raw statement of the storage adapters (sql.ts), prepared against freshly migrated
 * databases of both profiles: a column or table renamed in schema.prisma without the SQL fails
 * here, not in the writer. SQLite from prisma/migrations, PostgreSQL from prisma/postgres/migrations.
 */
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployPostgresMigrations, dropPostgresDatabase, ensurePostgresDatabase } from "../../../prisma/postgres/deploy";
import { createTestDatabase } from "../../../tests/setup/database";
import { forDialect, SQLITE_READ_STATEMENTS, WRITE_STATEMENTS } from "./sql";

/** Each statement's text, multi-row ones with one row and with three. */
const writes = Object.entries(WRITE_STATEMENTS).flatMap(([name, statement]) =>
  typeof statement === "string" ? [[name, statement] as const] : [[`${name} (1 row)`, statement.sql(1)] as const, [`${name} (3 rows)`, statement.sql(3)] as const],
);

describe("the storage's statements on a migrated SQLite database", () => {
  const database = createTestDatabase();
  const connection = new Database(database.file);
  afterAll(() => {
    connection.close();
    database.remove();
  });

  it.each([...writes, ...Object.entries(SQLITE_READ_STATEMENTS)])("%s prepares", (_name, sql) => {
    expect(() => connection.prepare(sql)).not.toThrow();
  });
});

describe("the storage's write statements on a migrated PostgreSQL database", () => {
  const admin = new URL(process.env.POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  admin.pathname = `/safestock_sql_${randomBytes(5).toString("hex")}`;
  const url = admin.toString();
  const client = new pg.Client({ connectionString: url });

  beforeAll(async () => {
    await ensurePostgresDatabase(url);
    await deployPostgresMigrations(url);
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await dropPostgresDatabase(url);
  });

  it.each(writes)("%s prepares", async (name, sql) => {
    const id = `s_${name.replace(/\W+/g, "_").toLowerCase()}`;
    await client.query(`PREPARE ${id} AS ${forDialect(sql, "postgresql")}`);
    await client.query(`DEALLOCATE ${id}`);
  });
});
