import { databaseAnswers } from "~/models/dashboard-read.server";

/** Readiness: the database answers a trivial query (SQLite and PostgreSQL alike). */
export async function databaseReady(): Promise<boolean> {
  try {
    await databaseAnswers();
    return true;
  } catch (error) {
    console.error("healthz: database unavailable", error);
    return false;
  }
}
