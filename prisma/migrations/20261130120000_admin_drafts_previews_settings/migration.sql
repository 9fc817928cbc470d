-- AlterTable
ALTER TABLE "CartHold" ADD COLUMN "location" TEXT;
ALTER TABLE "CartHold" ADD COLUMN "note" TEXT;

-- CreateTable
CREATE TABLE "PolicyDraft" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "document" TEXT NOT NULL,
    "basedOnVersion" INTEGER,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PolicyPreview" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "PolicyPreview_shop_createdAt_idx" ON "PolicyPreview"("shop", "createdAt");

-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "targetSyncLagSeconds" INTEGER NOT NULL,
    "reconcileEveryMinutes" INTEGER NOT NULL,
    "freezeAfterLagSeconds" INTEGER NOT NULL,
    "freezeLowStockBelow" INTEGER NOT NULL,
    "cartHoldMinutes" INTEGER NOT NULL,
    "lowStockCartHoldMinutes" INTEGER NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
