-- AlterTable
ALTER TABLE "PolicyPreview" ADD COLUMN     "backtest" TEXT,
ADD COLUMN     "backtestError" TEXT,
ADD COLUMN     "backtestProcessed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "backtestStatus" TEXT,
ADD COLUMN     "backtestTotal" INTEGER NOT NULL DEFAULT 0;
