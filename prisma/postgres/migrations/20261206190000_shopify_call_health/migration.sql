-- CreateTable
CREATE TABLE "ShopifyCallHealth" (
    "shop" TEXT NOT NULL,
    "lastFailureAt" TIMESTAMP(3) NOT NULL,
    "recoveredAt" TIMESTAMP(3),

    CONSTRAINT "ShopifyCallHealth_pkey" PRIMARY KEY ("shop")
);
