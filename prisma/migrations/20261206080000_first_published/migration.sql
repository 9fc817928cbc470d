-- A fresh shop's first channel numbers are first publications, not drift (reported apart).
-- AlterTable
ALTER TABLE "ReconciliationReport" ADD COLUMN "firstPublished" INTEGER NOT NULL DEFAULT 0;
