/**
 * Helpers for raw SQL that runs unchanged on SQLite and PostgreSQL (the two Prisma profiles,
 * docs/decisions/006): hot loops write through `$executeRaw` tagged templates, which skip Prisma's
 * query compiler.
 */
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { isPostgresUrl } from "~/db.server";

/**
 * A Boolean column's value. The adapters store Booleans differently (SQLite: INTEGER 0/1, what
 * Prisma reads back as false/true; PostgreSQL: boolean, with no implicit cast from an integer),
 * so the value is bound as an integer and turned into SQL's TRUE/FALSE, which SQLite (≥ 3.23)
 * stores as 1/0 and PostgreSQL as boolean.
 */
export function sqlBoolean(value: boolean): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${value ? 1 : 0} = 1 THEN TRUE ELSE FALSE END`;
}

let idCounter = 0;

/**
 * An id shaped like Prisma's `cuid()` ('c', time in base 36, a counter, randomness), so that
 * lists ordered by (createdAt, id) keep rows in the order they were written, as they were with
 * ids Prisma generated (raw inserts do not get Prisma's `@default(cuid())`).
 */
export function sortableId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  return `c${Date.now().toString(36).padStart(8, "0")}${idCounter.toString(36).padStart(4, "0")}${randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

/**
 * Which of the two profiles a client talks to, for the few statements whose SQL differs (JSON
 * functions). Prisma's clients carry their provider; the URL is the fallback.
 */
export function isPostgresClient(db: PrismaClient): boolean {
  const provider = (db as unknown as { _activeProvider?: string })._activeProvider;
  return provider ? provider === "postgresql" : isPostgresUrl(process.env.DATABASE_URL ?? "");
}
