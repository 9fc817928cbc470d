/**
 * Every table and every column of the test database, read from the database itself (SQLite's
 * `sqlite_master`, PostgreSQL's `information_schema`), not from the Prisma schema or a hand list:
 * a table added later is scanned too.
 */
import prisma from "~/db.server";

const isPostgres = () => (process.env.DATABASE_URL ?? "").startsWith("postgres");

export async function databaseTables(): Promise<string[]> {
  const rows = isPostgres()
    ? await prisma.$queryRawUnsafe<{ name: string }[]>(
        "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
      )
    : await prisma.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  return rows.map((row) => row.name).sort();
}

const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  if (typeof value === "object") return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "bigint" ? String(inner) : inner));
  return String(value);
};

export interface Finding {
  table: string;
  column: string;
  needle: string;
  value: string;
}

/** Every cell of every row of every table that contains one of the needles (case-insensitive). */
export async function findInDatabase(needles: readonly string[], { except = [] as readonly string[] } = {}): Promise<Finding[]> {
  const lowered = needles.map((needle) => needle.toLowerCase());
  const findings: Finding[] = [];
  for (const table of await databaseTables()) {
    if (except.includes(table)) continue;
    const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table.replace(/"/g, '""')}"`);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        const text = cellText(value).toLowerCase();
        lowered.forEach((needle, index) => {
          if (text.includes(needle)) findings.push({ table, column, needle: needles[index]!, value: cellText(value).slice(0, 200) });
        });
      }
    }
  }
  return findings;
}
