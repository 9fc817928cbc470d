-- AlterTable
ALTER TABLE "ShopInstallation" ADD COLUMN     "scopesUpdatedAt" TIMESTAMP(3);
