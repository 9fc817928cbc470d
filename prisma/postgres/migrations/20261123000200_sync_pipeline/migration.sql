-- CreateTable
CREATE TABLE "ShopInstallation" (
    "shop" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "initialSync" TEXT NOT NULL DEFAULT 'idle',
    "initialSyncNote" TEXT,
    "lastSyncAt" TIMESTAMP(3),
    "lastReconcileAt" TIMESTAMP(3),
    "frozenSince" TIMESTAMP(3),
    "frozenReason" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopInstallation_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "document" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogItem" (
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "productTitle" TEXT NOT NULL,
    "variantTitle" TEXT NOT NULL,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "tracked" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CatalogItem_pkey" PRIMARY KEY ("shop","inventoryItemId")
);

-- CreateTable
CREATE TABLE "CatalogLocation" (
    "shop" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CatalogLocation_pkey" PRIMARY KEY ("shop","locationId")
);

-- CreateTable
CREATE TABLE "SalesChannel" (
    "shop" TEXT NOT NULL,
    "publicationId" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SalesChannel_pkey" PRIMARY KEY ("shop","publicationId")
);

-- CreateTable
CREATE TABLE "ManualFloor" (
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "units" INTEGER NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ManualFloor_pkey" PRIMARY KEY ("shop","inventoryItemId","locationId")
);

-- CreateTable
CREATE TABLE "LevelState" (
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "quantities" TEXT NOT NULL,
    "protected" INTEGER NOT NULL,
    "available" INTEGER NOT NULL,
    "explain" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LevelState_pkey" PRIMARY KEY ("shop","inventoryItemId","locationId")
);

-- CreateTable
CREATE TABLE "ChannelState" (
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "paused" BOOLEAN NOT NULL,
    "explain" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelState_pkey" PRIMARY KEY ("shop","inventoryItemId","channel")
);

-- CreateTable
CREATE TABLE "AppUnpublication" (
    "shop" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "publicationId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppUnpublication_pkey" PRIMARY KEY ("shop","productId","publicationId")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "sku" TEXT,
    "inventoryItemId" TEXT,
    "locationId" TEXT,
    "channel" TEXT,
    "subject" TEXT NOT NULL,
    "before" INTEGER,
    "after" INTEGER,
    "ruleVersion" INTEGER,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "requestId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SaleEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "sku" TEXT,
    "channel" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SaleEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LagSample" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "topic" TEXT,
    "millis" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LagSample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReconciliationReport" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "levelsChecked" INTEGER NOT NULL DEFAULT 0,
    "drifted" INTEGER NOT NULL DEFAULT 0,
    "fixed" INTEGER NOT NULL DEFAULT 0,
    "causes" TEXT NOT NULL DEFAULT '{}',
    "error" TEXT,

    CONSTRAINT "ReconciliationReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVersion_shop_version_key" ON "PolicyVersion"("shop", "version");

-- CreateIndex
CREATE INDEX "CatalogItem_shop_sku_idx" ON "CatalogItem"("shop", "sku");

-- CreateIndex
CREATE INDEX "CatalogItem_shop_productId_idx" ON "CatalogItem"("shop", "productId");

-- CreateIndex
CREATE UNIQUE INDEX "SalesChannel_shop_handle_key" ON "SalesChannel"("shop", "handle");

-- CreateIndex
CREATE INDEX "AuditEntry_shop_createdAt_idx" ON "AuditEntry"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEntry_shop_inventoryItemId_idx" ON "AuditEntry"("shop", "inventoryItemId");

-- CreateIndex
CREATE INDEX "SaleEvent_shop_inventoryItemId_occurredAt_idx" ON "SaleEvent"("shop", "inventoryItemId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "SaleEvent_shop_lineItemId_key" ON "SaleEvent"("shop", "lineItemId");

-- CreateIndex
CREATE INDEX "LagSample_shop_kind_at_idx" ON "LagSample"("shop", "kind", "at");

-- CreateIndex
CREATE INDEX "ReconciliationReport_shop_startedAt_idx" ON "ReconciliationReport"("shop", "startedAt");

