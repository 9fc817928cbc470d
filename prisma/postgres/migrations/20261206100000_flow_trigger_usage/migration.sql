-- CreateTable
CREATE TABLE "FlowTriggerUsage" (
    "shop" TEXT NOT NULL,
    "definitionId" TEXT NOT NULL,
    "inUse" BOOLEAN NOT NULL,
    "notifiedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowTriggerUsage_pkey" PRIMARY KEY ("shop","definitionId")
);

-- Shops installed before the callback existed may have workflows Flow will not announce again:
-- they keep every trigger (see the SQLite migration of the same name).
INSERT INTO "FlowTriggerUsage" ("shop", "definitionId", "inUse", "notifiedAt", "updatedAt")
SELECT "shop", '*', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM "ShopInstallation" WHERE "status" = 'active';
