-- Issue 20 §2: items Safestock leaves alone (untracked, gift cards, digital goods) keep the reason
-- the merchant sees on the Inventory page (docs/decisions/034).
-- AlterTable
ALTER TABLE "CatalogItem" ADD COLUMN "leftAlone" TEXT;
