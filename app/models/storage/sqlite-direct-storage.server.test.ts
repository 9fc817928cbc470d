import { describe, expect, it } from "vitest";
import prisma, { databaseUrlOf, isPostgresUrl, sqliteConnectionOf } from "~/db.server";
import { createSqliteDirectStorage } from "./sqlite-direct-storage.server";
import { INSERT_WRITE_INTENT } from "./sql";

const insertIntent = (id: string) => ({ sql: INSERT_WRITE_INTENT, params: [id, "direct.myshopify.com", "publish", "{}", "{}", new Date(), new Date()] });

describe.skipIf(isPostgresUrl(databaseUrlOf(prisma)))("the SQLite-direct adapter", () => {
  const storage = createSqliteDirectStorage(prisma);

  it("runs on Prisma's own connection, never inside a Prisma transaction that is open at the time", async () => {
    await prisma.writeIntent.count();
    expect(sqliteConnectionOf(prisma)).toBeDefined();

    let direct: Promise<void> | undefined;
    const rolledBack = prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(insertIntent("in-rolled-back-tx").sql, ...insertIntent("in-rolled-back-tx").params);
      // Sent while this transaction is open on the same connection: it must wait, not join it.
      direct = storage.transaction([insertIntent("direct")]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error("roll back");
    });
    await expect(rolledBack).rejects.toThrow("roll back");
    await direct;
    const ids = (await prisma.writeIntent.findMany({ where: { shop: "direct.myshopify.com" }, select: { id: true } })).map((row) => row.id);
    expect(ids).toEqual(["direct"]);
  });

  it("rolls back every statement of the transaction when one fails", async () => {
    await expect(storage.transaction([insertIntent("first"), insertIntent("direct")])).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    expect(await prisma.writeIntent.findUnique({ where: { id: "first" } })).toBeNull();
  });
});
