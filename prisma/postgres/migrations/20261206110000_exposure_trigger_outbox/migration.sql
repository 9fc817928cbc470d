-- AlterTable
ALTER TABLE "OrderExposure" ADD COLUMN     "flowTriggerQueuedAt" TIMESTAMP(3);

-- Lines recorded before this version had their chance at a trigger: none is owed.
UPDATE "OrderExposure" SET "flowTriggerQueuedAt" = "createdAt";

-- CreateIndex
CREATE INDEX "OrderExposure_shop_flowTriggerQueuedAt_idx" ON "OrderExposure"("shop", "flowTriggerQueuedAt");
