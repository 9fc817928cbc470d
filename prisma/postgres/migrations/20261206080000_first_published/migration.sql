-- AlterTable
ALTER TABLE "ReconciliationReport" ADD COLUMN     "firstPublished" INTEGER NOT NULL DEFAULT 0;
