-- The pages show times in the shop's time zone (Shop.ianaTimezone), read with locations and channels.
-- AlterTable
ALTER TABLE "ShopInstallation" ADD COLUMN "ianaTimezone" TEXT;
