-- AlterTable
ALTER TABLE "ReconciliationReport" ADD COLUMN "failed" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "WriteIntent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "request" TEXT NOT NULL,
    "record" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "requestId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "WriteIntent_shop_status_createdAt_idx" ON "WriteIntent"("shop", "status", "createdAt");

-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN "writeIntentId" TEXT;
ALTER TABLE "AuditEntry" ADD COLUMN "intentSeq" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_writeIntentId_intentSeq_key" ON "AuditEntry"("writeIntentId", "intentSeq");
