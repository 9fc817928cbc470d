-- Issue 8 (nwchannels): channel reach, one source of imported safety stock, lost access.
-- CatalogLocation.fulfillsOnlineOrders: online channels draw only on locations that fulfil online orders.
-- ManualFloor goes: imported safety stock lives only in policy v1 (nothing ever read the floor table).
-- ShopInstallation.accessLost*/accessRestoredAt/jobsResumed: a 401 on the offline token parks the shop's jobs.
-- AlterTable
ALTER TABLE "ShopInstallation" ADD COLUMN "accessLostAt" DATETIME;
ALTER TABLE "ShopInstallation" ADD COLUMN "accessLostReason" TEXT;
ALTER TABLE "ShopInstallation" ADD COLUMN "accessRestoredAt" DATETIME;
ALTER TABLE "ShopInstallation" ADD COLUMN "jobsResumed" INTEGER;

-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "ManualFloor";
PRAGMA foreign_keys=on;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CatalogLocation" (
    "shop" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "fulfillsOnlineOrders" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "locationId")
);
INSERT INTO "new_CatalogLocation" ("isActive", "locationId", "name", "shop", "updatedAt") SELECT "isActive", "locationId", "name", "shop", "updatedAt" FROM "CatalogLocation";
DROP TABLE "CatalogLocation";
ALTER TABLE "new_CatalogLocation" RENAME TO "CatalogLocation";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

