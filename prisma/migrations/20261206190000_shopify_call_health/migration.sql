-- The "Shopify is failing" banner stayed red for up to 15 minutes after Shopify answered again:
-- each shop's last failure and the first answered call after it, shared by every process.
-- CreateTable
CREATE TABLE "ShopifyCallHealth" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "lastFailureAt" DATETIME NOT NULL,
    "recoveredAt" DATETIME
);
