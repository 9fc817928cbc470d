/**
 * Every raw statement the pipeline's storage runs (docs/decisions/018), each table written by
 * one statement here and nowhere else. The text is the same on SQLite and PostgreSQL: `?`
 * placeholders (numbered `$n` for PostgreSQL by `forDialect`), Booleans bound as integers and
 * turned into TRUE/FALSE in SQL (SQLite stores 1/0, PostgreSQL has no integer→boolean cast).
 * storage.statements.test.ts prepares each against freshly migrated databases of both profiles.
 */
import { chunk } from "~/domain/inventory-writes";

export type SqlValue = string | number | null | Date;

/** SQL with `?` placeholders and their values. */
export interface SqlStatement {
  sql: string;
  params: SqlValue[];
}

export type Dialect = "sqlite" | "postgresql";

/** A Boolean parameter (see above). */
const BOOL = "CASE WHEN ? = 1 THEN TRUE ELSE FALSE END";

/** A multi-row INSERT: `head`, then `rows` copies of `row`, then `tail`. */
export interface MultiRowStatement {
  name: string;
  /** Rows per statement: under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
  rowsPerStatement: number;
  sql(rows: number): string;
}

function multiRow(name: string, head: string, row: string, tail: string, rowsPerStatement: number): MultiRowStatement {
  const texts = new Map<number, string>();
  const sql = (rows: number) => {
    let text = texts.get(rows);
    if (text === undefined) texts.set(rows, (text = `${head} VALUES ${Array.from({ length: rows }, () => row).join(", ")}${tail ? ` ${tail}` : ""}`));
    return text;
  };
  return { name, rowsPerStatement, sql };
}

export const INSERT_WRITE_INTENT = `INSERT INTO "WriteIntent" ("id", "shop", "kind", "request", "record", "createdAt", "updatedAt", "status") VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`;

/** "unconfirmed": a resume found no effect yet while the sender still waited; Shopify's confirmation is the truth. */
export const MARK_WRITE_INTENT_APPLIED = `UPDATE "WriteIntent" SET "status" = 'applied', "requestId" = ?, "updatedAt" = ? WHERE "id" = ? AND "status" IN ('pending', 'unconfirmed')`;

export const INSERT_AUDIT_ENTRIES = multiRow(
  "INSERT_AUDIT_ENTRIES",
  `INSERT INTO "AuditEntry" ("id", "shop", "sku", "inventoryItemId", "locationId", "channel", "subject", "before", "after", "ruleVersion", "reason", "actor", "requestId", "writeIntentId", "intentSeq", "createdAt")`,
  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  "",
  250,
);

export const UPSERT_LEVEL_STATES = multiRow(
  "UPSERT_LEVEL_STATES",
  `INSERT INTO "LevelState" ("shop", "inventoryItemId", "locationId", "quantities", "protected", "available", "explain", "updatedAt")`,
  "(?, ?, ?, ?, ?, ?, ?, ?)",
  `ON CONFLICT ("shop", "inventoryItemId", "locationId") DO UPDATE SET
    "quantities" = excluded."quantities", "protected" = excluded."protected", "available" = excluded."available",
    "explain" = excluded."explain", "updatedAt" = excluded."updatedAt"
  WHERE "LevelState"."updatedAt" <= excluded."updatedAt"`,
  500,
);

export const UPSERT_CHANNEL_STATES = multiRow(
  "UPSERT_CHANNEL_STATES",
  `INSERT INTO "ChannelState" ("shop", "inventoryItemId", "channel", "available", "paused", "explain", "reserveHistory", "updatedAt")`,
  `(?, ?, ?, ?, ${BOOL}, ?, ?, ?)`,
  `ON CONFLICT ("shop", "inventoryItemId", "channel") DO UPDATE SET
    "available" = excluded."available", "paused" = excluded."paused", "explain" = excluded."explain",
    "reserveHistory" = excluded."reserveHistory", "updatedAt" = excluded."updatedAt"
  WHERE "ChannelState"."updatedAt" <= excluded."updatedAt"`,
  500,
);

export const UPSERT_APP_UNPUBLICATION = `INSERT INTO "AppUnpublication" ("shop", "productId", "publicationId", "channel", "reason", "createdAt") VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT ("shop", "productId", "publicationId") DO UPDATE SET "reason" = excluded."reason"`;

export const DELETE_APP_UNPUBLICATION = `DELETE FROM "AppUnpublication" WHERE "shop" = ? AND "productId" = ? AND "publicationId" = ?`;

/** A redelivered orders/create counts once: a line already recorded is kept as it is. */
export const INSERT_SALE_EVENTS = multiRow(
  "INSERT_SALE_EVENTS",
  `INSERT INTO "SaleEvent" ("id", "shop", "orderId", "lineItemId", "inventoryItemId", "sku", "channel", "quantity", "occurredAt")`,
  "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
  `ON CONFLICT ("shop", "lineItemId") DO NOTHING`,
  200,
);

/** A redelivered orders/create keeps the first record (what was true when it first arrived). */
export const INSERT_ORDER_EXPOSURES = multiRow(
  "INSERT_ORDER_EXPOSURES",
  `INSERT INTO "OrderExposure" ("id", "shop", "orderId", "lineItemId", "inventoryItemId", "sku", "channel", "locationId", "quantity", "published", "pausedAtOrder", "protection", "levelAvailable", "oversoldUnits", "nearMiss", "occurredAt", "createdAt")`,
  `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${BOOL}, ?, ?, ?, ${BOOL}, ?, ?)`,
  // RETURNING: the lines recorded by this statement, not before it (their Flow trigger starts once, decision 035).
  `ON CONFLICT ("shop", "lineItemId") DO NOTHING RETURNING "lineItemId"`,
  200,
);

export const INSERT_LAG_SAMPLES = multiRow("INSERT_LAG_SAMPLES", `INSERT INTO "LagSample" ("id", "shop", "kind", "topic", "millis", "at")`, "(?, ?, ?, ?, ?, ?)", "", 500);

export const UPSERT_CATALOG_ITEMS = multiRow(
  "UPSERT_CATALOG_ITEMS",
  `INSERT INTO "CatalogItem" ("shop", "inventoryItemId", "variantId", "productId", "sku", "productTitle", "variantTitle", "tags", "tracked", "continueSelling", "leftAlone", "updatedAt")`,
  `(?, ?, ?, ?, ?, ?, ?, ?, ${BOOL}, ${BOOL}, ?, ?)`,
  `ON CONFLICT ("shop", "inventoryItemId") DO UPDATE SET
    "variantId" = excluded."variantId", "productId" = excluded."productId", "sku" = excluded."sku", "productTitle" = excluded."productTitle",
    "variantTitle" = excluded."variantTitle", "tags" = excluded."tags", "tracked" = excluded."tracked",
    "continueSelling" = excluded."continueSelling", "leftAlone" = excluded."leftAlone", "updatedAt" = excluded."updatedAt"`,
  300,
);

/**
 * The intake's one statement (app/models/webhook-delivery.server.ts): records a delivery, or
 * counts a redelivery of its webhook id; `duplicate` when another delivery of the same event is
 * to be acted on or was (received, failed, processed: the rows of the partial unique index
 * "WebhookDelivery_acted_on_event_key", which refuses a second one that a concurrent insert did not
 * see); `redacted` for a shop with a tombstone. Parameters: id, shop, topic,
 * webhookId, eventId, apiVersion, triggeredAt, receivedAt, body, shop, status-if-not-acted-on,
 * shop, topic, eventId, reason.
 */
export const INSERT_WEBHOOK_DELIVERY = `INSERT INTO "WebhookDelivery" ("id", "shop", "topic", "webhookId", "eventId", "apiVersion", "triggeredAt", "receivedAt", "body", "status", "reason", "duplicates")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,
    CASE WHEN EXISTS (SELECT 1 FROM "RedactedShop" WHERE "RedactedShop"."shop" = ?) THEN 'redacted'
    ELSE COALESCE(?, CASE WHEN EXISTS (
      SELECT 1 FROM "WebhookDelivery" AS "other"
      WHERE "other"."shop" = ? AND "other"."topic" = ? AND "other"."eventId" = ?
        AND "other"."status" IN ('received', 'failed', 'processed')
    ) THEN 'duplicate' ELSE 'received' END) END,
    ?,
    0)
  ON CONFLICT ("shop", "webhookId") DO UPDATE SET "duplicates" = "WebhookDelivery"."duplicates" + 1
  RETURNING "id", "status", "duplicates"`;

export const DELETE_WEBHOOK_DELIVERY = `DELETE FROM "WebhookDelivery" WHERE "id" = ?`;

/**
 * Counts one hold request of a checkout session in its window, atomically on both engines (one
 * statement; SET reads the row as it was): a request 60 s or more after its window started opens a
 * new window, counted from 1. Parameters: shop, session, now (ms since the epoch). Returns the
 * window's start and its count so far, this request included.
 */
export const COUNT_HOLD_REQUEST = `INSERT INTO "HoldRequestWindow" ("shop", "session", "windowStartMs", "count") VALUES (?, ?, ?, 1)
  ON CONFLICT ("shop", "session") DO UPDATE SET
    "count" = CASE WHEN excluded."windowStartMs" - "HoldRequestWindow"."windowStartMs" < 60000 THEN "HoldRequestWindow"."count" + 1 ELSE 1 END,
    "windowStartMs" = CASE WHEN excluded."windowStartMs" - "HoldRequestWindow"."windowStartMs" < 60000 THEN "HoldRequestWindow"."windowStartMs" ELSE excluded."windowStartMs" END
  RETURNING "windowStartMs", "count"`;

/** The shop's sessions whose window started before the given time (ms). Parameters: shop, time. */
export const DELETE_PAST_HOLD_REQUEST_WINDOWS = `DELETE FROM "HoldRequestWindow" WHERE "shop" = ? AND "windowStartMs" < ?`;

/** The latest measurement of a name wins, whichever process took it. Parameters: name, value, measuredAt. */
export const UPSERT_SHARED_MEASUREMENT = `INSERT INTO "SharedMeasurement" ("name", "value", "measuredAt") VALUES (?, ?, ?)
  ON CONFLICT ("name") DO UPDATE SET "value" = excluded."value", "measuredAt" = excluded."measuredAt"`;

/**
 * The SQLite-direct adapter's reads of a batch (~1,500 rows): `json_each` takes the batch's ids as
 * one parameter. SQLite only; the Prisma adapter reads the same columns through typed queries.
 */
const ITEMS_IN = `"shop" = ? AND "inventoryItemId" IN (SELECT value FROM json_each(?))`;
export const SELECT_LEVEL_STATES = `SELECT "inventoryItemId", "locationId", "quantities", "protected", "available", "explain" FROM "LevelState" WHERE ${ITEMS_IN}`;
export const SELECT_CHANNEL_STATES = `SELECT "inventoryItemId", "channel", "available", "paused", "explain", "reserveHistory" FROM "ChannelState" WHERE ${ITEMS_IN}`;
export const SELECT_CATALOG_ROWS = `SELECT "inventoryItemId", "variantId", "productId", "sku", "productTitle", "variantTitle", "tags", "tracked", "continueSelling", "leftAlone" FROM "CatalogItem" WHERE ${ITEMS_IN}`;
export const SELECT_CATALOG_OF_PRODUCTS = `SELECT "productId", "inventoryItemId", "sku" FROM "CatalogItem" WHERE "shop" = ? AND "productId" IN (SELECT value FROM json_each(?))`;

/** Every statement, by name, for the check against migrated databases. Reads are SQLite-only. */
export const WRITE_STATEMENTS: Record<string, string | MultiRowStatement> = {
  INSERT_WRITE_INTENT,
  MARK_WRITE_INTENT_APPLIED,
  INSERT_AUDIT_ENTRIES,
  UPSERT_LEVEL_STATES,
  UPSERT_CHANNEL_STATES,
  UPSERT_APP_UNPUBLICATION,
  DELETE_APP_UNPUBLICATION,
  INSERT_SALE_EVENTS,
  INSERT_ORDER_EXPOSURES,
  INSERT_LAG_SAMPLES,
  UPSERT_CATALOG_ITEMS,
  INSERT_WEBHOOK_DELIVERY,
  DELETE_WEBHOOK_DELIVERY,
  COUNT_HOLD_REQUEST,
  DELETE_PAST_HOLD_REQUEST_WINDOWS,
  UPSERT_SHARED_MEASUREMENT,
};
export const SQLITE_READ_STATEMENTS: Record<string, string> = { SELECT_LEVEL_STATES, SELECT_CHANNEL_STATES, SELECT_CATALOG_ROWS, SELECT_CATALOG_OF_PRODUCTS };

/** The statements of a multi-row INSERT for these rows (each row its parameters, Booleans as true/false). */
export function rowsStatements(statement: MultiRowStatement, rows: readonly (readonly (SqlValue | boolean)[])[]): SqlStatement[] {
  return chunk(rows, statement.rowsPerStatement).map((part) => {
    // A plain loop: a 250-change move binds ~6,000 values, and this runs per applied write.
    const params: SqlValue[] = [];
    for (const row of part) for (const value of row) params.push(typeof value === "boolean" ? (value ? 1 : 0) : value);
    return { sql: statement.sql(part.length), params };
  });
}

/** The statement's text for a dialect: PostgreSQL numbers its placeholders. No statement here has a `?` inside a literal. */
export function forDialect(sql: string, dialect: Dialect): string {
  if (dialect === "sqlite") return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
