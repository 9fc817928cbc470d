-- An oversell's Flow trigger is owed until it is queued: the exposure row is its outbox, drained by
-- the scheduler after a crash between the record and the enqueue (docs/decisions/035-shopify-flow.md).
-- AlterTable
ALTER TABLE "OrderExposure" ADD COLUMN "flowTriggerQueuedAt" DATETIME;

-- Lines recorded before this version had their chance at a trigger: none is owed.
UPDATE "OrderExposure" SET "flowTriggerQueuedAt" = "createdAt";

-- CreateIndex
CREATE INDEX "OrderExposure_shop_flowTriggerQueuedAt_idx" ON "OrderExposure"("shop", "flowTriggerQueuedAt");
