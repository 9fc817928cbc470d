-- Issue 22: cart holds are bound to the buyer's checkout session (one running cart per session).
-- AlterTable
ALTER TABLE "CartHold" ADD COLUMN "session" TEXT;

-- CreateIndex
CREATE INDEX "CartHold_shop_session_status_idx" ON "CartHold"("shop", "session", "status");

