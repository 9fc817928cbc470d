import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { storageOf } from "./storage/index.server";
import { COUNT_HOLD_REQUEST, DELETE_PAST_HOLD_REQUEST_WINDOWS } from "./storage/sql";

/** A session's window: a minute from its first request. */
export const HOLD_REQUEST_WINDOW_MS = 60_000;

export interface HoldRequestCount {
  windowStartMs: number;
  /** The session's requests in the window, this one included. */
  count: number;
}

/**
 * Counts a hold request of a buyer's checkout session at `nowMs` in the database every web
 * process shares. A session's first request of a window also deletes the shop's rows of windows
 * that ended, so the table holds about the sessions of the last minute.
 */
export async function countHoldRequest(shop: string, session: string, nowMs: number, db: PrismaClient = prisma): Promise<HoldRequestCount> {
  const storage = storageOf(db);
  const rows = await storage.query({ sql: COUNT_HOLD_REQUEST, params: [shop, session, nowMs] });
  const row = rows[0] as { windowStartMs: number | bigint | string; count: number | bigint };
  const counted = { windowStartMs: Number(row.windowStartMs), count: Number(row.count) };
  if (counted.count === 1) await storage.transaction([{ sql: DELETE_PAST_HOLD_REQUEST_WINDOWS, params: [shop, nowMs - HOLD_REQUEST_WINDOW_MS] }]);
  return counted;
}
