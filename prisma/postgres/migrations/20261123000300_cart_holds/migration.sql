-- CreateTable
CREATE TABLE "CartHold" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "units" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CartHold_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CartHold_shop_status_expiresAt_idx" ON "CartHold"("shop", "status", "expiresAt");

-- CreateIndex
CREATE INDEX "CartHold_shop_inventoryItemId_status_idx" ON "CartHold"("shop", "inventoryItemId", "status");

-- CreateIndex
CREATE INDEX "CartHold_shop_holder_idx" ON "CartHold"("shop", "holder");

