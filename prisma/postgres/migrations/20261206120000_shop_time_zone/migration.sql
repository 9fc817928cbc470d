-- AlterTable
ALTER TABLE "ShopInstallation" ADD COLUMN     "ianaTimezone" TEXT;
