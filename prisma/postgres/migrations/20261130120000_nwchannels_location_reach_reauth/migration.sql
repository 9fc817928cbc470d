-- AlterTable
ALTER TABLE "ShopInstallation" ADD COLUMN     "accessLostAt" TIMESTAMP(3),
ADD COLUMN     "accessLostReason" TEXT,
ADD COLUMN     "accessRestoredAt" TIMESTAMP(3),
ADD COLUMN     "jobsResumed" INTEGER;

-- AlterTable
ALTER TABLE "CatalogLocation" ADD COLUMN     "fulfillsOnlineOrders" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN     "intentSeq" INTEGER,
ADD COLUMN     "writeIntentId" TEXT;

-- AlterTable
ALTER TABLE "ReconciliationReport" ADD COLUMN     "failed" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "CartHold" ADD COLUMN     "location" TEXT,
ADD COLUMN     "note" TEXT;

-- DropTable
DROP TABLE "ManualFloor";

-- CreateTable
CREATE TABLE "WriteIntent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "request" TEXT NOT NULL,
    "record" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "requestId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WriteIntent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyDraft" (
    "shop" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "basedOnVersion" INTEGER,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PolicyDraft_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "PolicyPreview" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "version" INTEGER,
    "baseVersion" INTEGER,
    "document" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "processed" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "result" TEXT,
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "PolicyPreview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL,
    "targetSyncLagSeconds" INTEGER NOT NULL,
    "reconcileEveryMinutes" INTEGER NOT NULL,
    "freezeAfterLagSeconds" INTEGER NOT NULL,
    "freezeLowStockBelow" INTEGER NOT NULL,
    "cartHoldMinutes" INTEGER NOT NULL,
    "lowStockCartHoldMinutes" INTEGER NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE INDEX "WriteIntent_shop_status_createdAt_idx" ON "WriteIntent"("shop", "status", "createdAt");

-- CreateIndex
CREATE INDEX "PolicyPreview_shop_createdAt_idx" ON "PolicyPreview"("shop", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_writeIntentId_intentSeq_key" ON "AuditEntry"("writeIntentId", "intentSeq");
