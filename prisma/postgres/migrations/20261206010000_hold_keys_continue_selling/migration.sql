-- AlterTable
ALTER TABLE "CatalogItem" ADD COLUMN     "continueSelling" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "CartHold" ADD COLUMN     "holdKey" TEXT;
