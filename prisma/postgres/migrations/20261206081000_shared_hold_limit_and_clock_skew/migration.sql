-- CreateTable
CREATE TABLE "HoldRequestWindow" (
    "shop" TEXT NOT NULL,
    "session" TEXT NOT NULL,
    "windowStartMs" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "HoldRequestWindow_pkey" PRIMARY KEY ("shop","session")
);

-- CreateTable
CREATE TABLE "SharedMeasurement" (
    "name" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    "measuredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SharedMeasurement_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "HoldRequestWindow_shop_windowStartMs_idx" ON "HoldRequestWindow"("shop", "windowStartMs");
