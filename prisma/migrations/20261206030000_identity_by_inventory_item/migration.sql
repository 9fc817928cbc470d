-- Identity by inventory item (DESIGN.md §3): a SKU is a label that variants may share or leave
-- blank, so every row about an item names the item. Audit entries written with a SKU only get the
-- item that SKU named, where it names exactly one catalog item of the shop (a shared SKU cannot
-- say which variant it was, so those entries keep only their SKU).
UPDATE "AuditEntry"
SET "inventoryItemId" = (
  SELECT "CatalogItem"."inventoryItemId" FROM "CatalogItem"
  WHERE "CatalogItem"."shop" = "AuditEntry"."shop" AND "CatalogItem"."sku" = "AuditEntry"."sku"
)
WHERE "inventoryItemId" IS NULL
  AND "sku" IS NOT NULL
  AND "sku" <> ''
  AND (
    SELECT COUNT(*) FROM "CatalogItem"
    WHERE "CatalogItem"."shop" = "AuditEntry"."shop" AND "CatalogItem"."sku" = "AuditEntry"."sku"
  ) = 1;

-- Orders and holds name variants: find their item by variant, not by SKU.
-- CreateIndex
CREATE INDEX "CatalogItem_shop_variantId_idx" ON "CatalogItem"("shop", "variantId");
