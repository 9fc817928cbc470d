-- Issue 18 leftover: app/scopes_update is applied only when newer than the last one applied.
-- AlterTable
ALTER TABLE "ShopInstallation" ADD COLUMN "scopesUpdatedAt" DATETIME;
