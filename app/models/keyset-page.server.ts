/**
 * Keyset paging in both directions, shared by every paged list the pages show (Activity,
 * Inventory, Policy versions): Prisma's cursor with one extra row to tell whether another page
 * exists, and a negative `take` for "previous", so a page stays stable while rows are added.
 */
export type PageDirection = "next" | "previous";

export interface KeysetRequest {
  cursor?: string | null;
  direction?: PageDirection;
  take: number;
}

/** The `take` to ask Prisma for (one row more than a page, negative when reading backwards). */
export function keysetTake({ cursor, direction = "next", take }: KeysetRequest): number {
  return isBackwards({ cursor, direction }) ? -(take + 1) : take + 1;
}

function isBackwards({ cursor, direction }: Pick<KeysetRequest, "cursor" | "direction">): boolean {
  return direction === "previous" && Boolean(cursor);
}

/** The page out of the rows `keysetTake` asked for, and the cursors to the pages either side. */
export function keysetPage<Row>(rows: Row[], keyOf: (row: Row) => string, request: KeysetRequest) {
  const backwards = isBackwards(request);
  const more = rows.length > request.take;
  // Backwards, the extra row sits at the start; forwards, at the end.
  const page = more ? (backwards ? rows.slice(1) : rows.slice(0, request.take)) : rows;
  const first = page.length ? keyOf(page[0]) : null;
  const last = page.length ? keyOf(page[page.length - 1]) : null;
  return {
    rows: page,
    nextCursor: backwards ? last : more ? last : null,
    previousCursor: backwards ? (more ? first : null) : request.cursor ? first : null,
  };
}
