-- CreateTable
CREATE TABLE "TokenRefreshLease" (
    "shop" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" BIGINT NOT NULL,

    CONSTRAINT "TokenRefreshLease_pkey" PRIMARY KEY ("shop")
);
