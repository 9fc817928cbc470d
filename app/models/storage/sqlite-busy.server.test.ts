import { describe, expect, it } from "vitest";
import { retryWhenSqliteBusy } from "./sqlite-busy.server";

const busy = (code: string) => Object.assign(new Error("database is locked"), { code });

describe("retryWhenSqliteBusy", () => {
  it("starts a statement over when SQLite answers BUSY_SNAPSHOT or BUSY, and gives up after the attempts", async () => {
    let calls = 0;
    await expect(
      retryWhenSqliteBusy(async () => {
        calls++;
        if (calls === 1) throw busy("SQLITE_BUSY_SNAPSHOT");
        if (calls === 2) throw busy("SQLITE_BUSY");
        return "written";
      }),
    ).resolves.toBe("written");
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retryWhenSqliteBusy(async () => {
        calls++;
        throw busy("SQLITE_BUSY_SNAPSHOT");
      }, 3),
    ).rejects.toMatchObject({ code: "SQLITE_BUSY_SNAPSHOT" });
    expect(calls).toBe(3);
  });

  it("recognises a raw statement's busy failure as Prisma wraps it (P2010)", async () => {
    let calls = 0;
    await expect(
      retryWhenSqliteBusy(async () => {
        calls++;
        if (calls === 1) throw Object.assign(new Error("Invalid `prisma.$executeRaw()` invocation:\n\nRaw query failed. Code: `SQLITE_BUSY`. Message: `database is locked`"), { code: "P2010" });
        return "written";
      }),
    ).resolves.toBe("written");
    expect(calls).toBe(2);
  });

  it("recognises a model query's busy failure as Prisma's driver adapter wraps it (P1008)", async () => {
    // The shape Prisma 6's better-sqlite3 adapter threw for an upsert overtaken by another process.
    const timedOut = Object.assign(new Error("Invalid `db.shopifyCallHealth.upsert()` invocation: Operation has timed out"), {
      code: "P1008",
      meta: { driverAdapterError: { cause: { kind: "SocketTimeout", originalCode: "SQLITE_BUSY", originalMessage: "database is locked" } } },
    });
    let calls = 0;
    await expect(
      retryWhenSqliteBusy(async () => {
        calls++;
        if (calls === 1) throw timedOut;
        return "written";
      }),
    ).resolves.toBe("written");
    expect(calls).toBe(2);
    // A real timeout (no SQLite code) is not started over.
    calls = 0;
    await expect(
      retryWhenSqliteBusy(async () => {
        calls++;
        throw Object.assign(new Error("Operation has timed out"), { code: "P1008", meta: {} });
      }),
    ).rejects.toThrow(/timed out/);
    expect(calls).toBe(1);
  });

  it("never repeats work that failed for another reason", async () => {
    let calls = 0;
    await expect(
      retryWhenSqliteBusy(async () => {
        calls++;
        throw Object.assign(new Error("Unique constraint failed"), { code: "P2002" });
      }),
    ).rejects.toThrow(/Unique/);
    expect(calls).toBe(1);
  });
});
