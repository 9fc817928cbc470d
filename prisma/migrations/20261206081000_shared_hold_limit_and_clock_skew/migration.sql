-- Issue 17 leftover: the checkout holds API's rate limit and the measured clock skew were kept per
-- process; with several web processes the limit multiplied and the processes disagreed.
-- CreateTable
CREATE TABLE "HoldRequestWindow" (
    "shop" TEXT NOT NULL,
    "session" TEXT NOT NULL,
    "windowStartMs" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("shop", "session")
);

-- CreateTable
CREATE TABLE "SharedMeasurement" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" INTEGER NOT NULL,
    "measuredAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "HoldRequestWindow_shop_windowStartMs_idx" ON "HoldRequestWindow"("shop", "windowStartMs");
