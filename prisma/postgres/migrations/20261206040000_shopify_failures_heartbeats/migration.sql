-- CreateTable
CREATE TABLE "ShopifyFailureCount" (
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "lastStatus" INTEGER NOT NULL,
    "lastOperation" TEXT NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifyFailureCount_pkey" PRIMARY KEY ("shop","kind","minute")
);

-- CreateTable
CREATE TABLE "Heartbeat" (
    "name" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Heartbeat_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "ShopifyFailureCount_shop_minute_idx" ON "ShopifyFailureCount"("shop", "minute");
