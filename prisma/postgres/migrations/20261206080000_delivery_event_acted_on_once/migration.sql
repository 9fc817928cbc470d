-- Issue 17 / docs/decisions/025: one acted-on delivery per event (shop, topic, X-Shopify-Event-Id).
-- The intake's duplicate check reads committed rows only; on PostgreSQL two copies arriving in
-- the same instant could both be recorded `received`. This index makes the second insert fail,
-- and recordDeliveryOnce (app/models/webhook-delivery.server.ts) records it again as `duplicate`.
-- Partial (rows to act on: received, failed, processed), which Prisma's schema cannot express,
-- so the index lives only here; prisma/postgres/profile.ts RAW_INDEXES tells the drift test.
-- Copies recorded twice before this index are kept as the earliest row; the later ones become
-- `duplicate` (processing is idempotent, so the shop's numbers are unchanged).
UPDATE "WebhookDelivery" SET "status" = 'duplicate'
WHERE "eventId" IS NOT NULL AND "status" IN ('received', 'failed', 'processed')
  AND EXISTS (
    SELECT 1 FROM "WebhookDelivery" AS "earlier"
    WHERE "earlier"."shop" = "WebhookDelivery"."shop" AND "earlier"."topic" = "WebhookDelivery"."topic"
      AND "earlier"."eventId" = "WebhookDelivery"."eventId"
      AND "earlier"."status" IN ('received', 'failed', 'processed')
      AND "earlier"."id" < "WebhookDelivery"."id"
  );

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_acted_on_event_key" ON "WebhookDelivery"("shop", "topic", "eventId") WHERE "eventId" IS NOT NULL AND "status" IN ('received', 'failed', 'processed');
