/**
 * Helpers for raw SQL that runs unchanged on SQLite and PostgreSQL (the two Prisma profiles,
 * docs/decisions/006): hot loops write through `$executeRaw` tagged templates, which skip Prisma's
 * query compiler.
 */
import { Prisma } from "@prisma/client";

/**
 * A Boolean column's value. The adapters store Booleans differently (SQLite: INTEGER 0/1, what
 * Prisma reads back as false/true; PostgreSQL: boolean, with no implicit cast from an integer),
 * so the value is bound as an integer and turned into SQL's TRUE/FALSE, which SQLite (≥ 3.23)
 * stores as 1/0 and PostgreSQL as boolean.
 */
export function sqlBoolean(value: boolean): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${value ? 1 : 0} = 1 THEN TRUE ELSE FALSE END`;
}
