-- Why a delivery was recorded but not acted on (refused or stale).
ALTER TABLE "WebhookDelivery" ADD COLUMN "reason" TEXT;

-- A redacted shop's tombstone: replays of its deliveries re-create nothing.
CREATE TABLE "RedactedShop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "redactedAt" DATETIME NOT NULL
);
