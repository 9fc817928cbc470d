-- Issue 22: Admin API failure counts per minute (the "Shopify is failing" banner) and heartbeat rows (/healthz).
-- CreateTable
CREATE TABLE "ShopifyFailureCount" (
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "minute" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "lastStatus" INTEGER NOT NULL,
    "lastOperation" TEXT NOT NULL,
    "lastAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "kind", "minute")
);

-- CreateTable
CREATE TABLE "Heartbeat" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ShopifyFailureCount_shop_minute_idx" ON "ShopifyFailureCount"("shop", "minute");

