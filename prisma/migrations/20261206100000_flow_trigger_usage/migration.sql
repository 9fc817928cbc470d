-- Shopify Flow's trigger lifecycle callback says which triggers a shop's enabled workflows use;
-- Safestock sends only those (docs/decisions/035-shopify-flow.md).
-- CreateTable
CREATE TABLE "FlowTriggerUsage" (
    "shop" TEXT NOT NULL,
    "definitionId" TEXT NOT NULL,
    "inUse" BOOLEAN NOT NULL,
    "notifiedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "definitionId")
);

-- Shops installed before the callback existed may have workflows Flow will not announce again:
-- they keep every trigger ("*" is no trigger's id, and an id Safestock does not know keeps all
-- triggers on, app/domain/flow.ts `triggersInUse`).
INSERT INTO "FlowTriggerUsage" ("shop", "definitionId", "inUse", "notifiedAt", "updatedAt")
SELECT "shop", '*', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM "ShopInstallation" WHERE "status" = 'active';
