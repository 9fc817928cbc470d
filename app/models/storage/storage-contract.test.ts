/**
 * The storage contract on SQLite through both adapters (the test file's own migrated database) and
 * on PostgreSQL (a fresh migrated database at POSTGRES_ADMIN_URL, default 127.0.0.1:5432).
 */
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { afterAll } from "vitest";
import { createPrismaClient } from "~/db.server";
import { deployPostgresMigrations, dropPostgresDatabase, ensurePostgresDatabase } from "../../../prisma/postgres/deploy";
import { createStorage } from "./index.server";
import { describeStorageContract } from "./storage-contract";

const clients: PrismaClient[] = [];
function client(url: string) {
  const db = createPrismaClient(url);
  clients.push(db);
  return db;
}

const sqliteUrl = process.env.DATABASE_URL!;
const onSqlite = sqliteUrl.startsWith("file:");

if (onSqlite) {
  const direct = client(sqliteUrl);
  createStorage(direct, { databaseUrl: sqliteUrl });
  describeStorageContract("sqlite-direct on SQLite", () => ({ db: direct, adapter: "sqlite-direct" }));

  const throughPrisma = client(sqliteUrl);
  createStorage(throughPrisma, { databaseUrl: sqliteUrl, sqliteDirect: false });
  describeStorageContract("prisma on SQLite", () => ({ db: throughPrisma, adapter: "prisma" }));
}

let postgres: { db: PrismaClient; url: string } | undefined;
describeStorageContract("prisma on PostgreSQL", async () => {
  if (!postgres) {
    const url = new URL(process.env.POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
    url.pathname = `/safestock_storage_${randomBytes(5).toString("hex")}`;
    await ensurePostgresDatabase(url.toString());
    await deployPostgresMigrations(url.toString());
    const db = client(url.toString());
    createStorage(db, { databaseUrl: url.toString() });
    postgres = { db, url: url.toString() };
  }
  return { db: postgres.db, adapter: "prisma" };
});

afterAll(async () => {
  await Promise.all(clients.map((db) => db.$disconnect()));
  if (postgres) await dropPostgresDatabase(postgres.url);
});
