-- AlterTable
ALTER TABLE "CatalogItem" ADD COLUMN     "leftAlone" TEXT;
