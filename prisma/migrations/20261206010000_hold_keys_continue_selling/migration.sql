-- Cart holds carry a random key the checkout Function can match (docs/decisions/019);
-- catalog items remember whether they keep selling when out of stock.
ALTER TABLE "CartHold" ADD COLUMN "holdKey" TEXT;
ALTER TABLE "CatalogItem" ADD COLUMN "continueSelling" BOOLEAN NOT NULL DEFAULT false;
