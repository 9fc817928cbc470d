import { describe, expect, it } from "vitest";
import prisma, { sqliteConnectionOf } from "~/db.server";
import { isPostgresClient } from "./bulk-sql.server";
import { runSqliteTransaction } from "./sqlite-direct.server";

const insertIntent = (id: string) => ({
  sql: `INSERT INTO "WriteIntent" ("id", "shop", "kind", "request", "record", "status", "createdAt", "updatedAt") VALUES (?, 'direct.myshopify.com', 'publish', '{}', '{}', 'pending', ?, ?)`,
  params: [id, new Date(), new Date()],
});

describe.skipIf(isPostgresClient(prisma))("statements straight through better-sqlite3", () => {
  it("run on Prisma's own connection, never inside a Prisma transaction that is open at the time", async () => {
    await prisma.writeIntent.count();
    expect(sqliteConnectionOf(prisma)).toBeDefined();

    let direct: Promise<void> | undefined;
    const rolledBack = prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(insertIntent("in-rolled-back-tx").sql, ...insertIntent("in-rolled-back-tx").params);
      // Sent while this transaction is open on the same connection: it must wait, not join it.
      direct = runSqliteTransaction(prisma, [insertIntent("direct")]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error("roll back");
    });
    await expect(rolledBack).rejects.toThrow("roll back");
    await direct;
    const ids = (await prisma.writeIntent.findMany({ where: { shop: "direct.myshopify.com" }, select: { id: true, createdAt: true } })).map((row) => row.id);
    expect(ids).toEqual(["direct"]);
  });

  it("roll back every statement of the transaction when one fails", async () => {
    await expect(runSqliteTransaction(prisma, [insertIntent("first"), insertIntent("direct")])).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    expect(await prisma.writeIntent.findUnique({ where: { id: "first" } })).toBeNull();
  });
});
