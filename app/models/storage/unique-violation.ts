import { Prisma } from "@prisma/client";

/**
 * A unique index refused a write. better-sqlite3's SqliteError carries SQLite's extended code by
 * name; typed queries report P2002; a raw statement's violation comes back from Prisma's driver
 * adapter as P2010 with the database's own code (SQLite's extended code 2067
 * SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's 23505). `index`, when given, must be named in the error
 * (PostgreSQL names the index; SQLite names its columns, so pass a pattern that matches either).
 */
export function isUniqueViolation(error: unknown, index?: RegExp): boolean {
  if (!isAnyUniqueViolation(error)) return false;
  if (!index) return true;
  const meta = error instanceof Prisma.PrismaClientKnownRequestError ? JSON.stringify(error.meta ?? {}) : "";
  return index.test(`${meta} ${(error as Error).message}`);
}

function isAnyUniqueViolation(error: unknown): boolean {
  if (error instanceof Error && (error as { code?: unknown }).code === "SQLITE_CONSTRAINT_UNIQUE") return true;
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  return error.code === "P2010" && /2067|23505|UNIQUE constraint failed|duplicate key/i.test(`${JSON.stringify(error.meta ?? {})} ${error.message}`);
}
