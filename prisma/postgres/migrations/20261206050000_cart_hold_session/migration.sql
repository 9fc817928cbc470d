-- AlterTable
ALTER TABLE "CartHold" ADD COLUMN     "session" TEXT;

-- CreateIndex
CREATE INDEX "CartHold_shop_session_status_idx" ON "CartHold"("shop", "session", "status");
