-- A long reconciliation showed no progress on the Sync page: items checked of the catalog, the bulk
-- read's records so far, and when the last progress was recorded.
-- AlterTable
ALTER TABLE "ReconciliationReport" ADD COLUMN "itemsChecked" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ReconciliationReport" ADD COLUMN "itemsTotal" INTEGER;
ALTER TABLE "ReconciliationReport" ADD COLUMN "recordsRead" INTEGER;
ALTER TABLE "ReconciliationReport" ADD COLUMN "progressAt" DATETIME;
