/**
 * Ids for rows inserted by raw SQL (storage/sql.ts), which do not get Prisma's `@default(cuid())`.
 */
import { randomUUID } from "node:crypto";

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
