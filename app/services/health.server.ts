import prisma from "~/db.server";

/** Readiness: the database answers a trivial query (SQLite and PostgreSQL alike). */
export async function databaseReady(): Promise<boolean> {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return true;
  } catch (error) {
    console.error("healthz: database unavailable", error);
    return false;
  }
}
