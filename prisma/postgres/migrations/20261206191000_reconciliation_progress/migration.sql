-- AlterTable
ALTER TABLE "ReconciliationReport" ADD COLUMN     "itemsChecked" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "itemsTotal" INTEGER,
ADD COLUMN     "progressAt" TIMESTAMP(3),
ADD COLUMN     "recordsRead" INTEGER;
