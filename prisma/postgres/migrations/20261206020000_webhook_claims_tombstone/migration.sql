-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "reason" TEXT;

-- CreateTable
CREATE TABLE "RedactedShop" (
    "shop" TEXT NOT NULL,
    "redactedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RedactedShop_pkey" PRIMARY KEY ("shop")
);
