-- Issue 21 §1: the backtest of a previewed policy on past orders (docs/decisions/033).
-- AlterTable
ALTER TABLE "PolicyPreview" ADD COLUMN "backtestStatus" TEXT;
ALTER TABLE "PolicyPreview" ADD COLUMN "backtestProcessed" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "PolicyPreview" ADD COLUMN "backtestTotal" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "PolicyPreview" ADD COLUMN "backtest" TEXT;
ALTER TABLE "PolicyPreview" ADD COLUMN "backtestError" TEXT;
