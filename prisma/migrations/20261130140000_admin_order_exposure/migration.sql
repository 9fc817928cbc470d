-- CreateTable
CREATE TABLE "OrderExposure" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "locationId" TEXT,
    "quantity" INTEGER NOT NULL,
    "published" INTEGER,
    "pausedAtOrder" BOOLEAN NOT NULL DEFAULT false,
    "protection" INTEGER NOT NULL,
    "levelAvailable" INTEGER NOT NULL,
    "oversoldUnits" INTEGER NOT NULL,
    "nearMiss" BOOLEAN NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "OrderExposure_shop_occurredAt_idx" ON "OrderExposure"("shop", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "OrderExposure_shop_lineItemId_key" ON "OrderExposure"("shop", "lineItemId");
