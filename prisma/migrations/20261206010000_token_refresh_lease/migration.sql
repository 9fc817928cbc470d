-- One refresher per shop for expiring offline tokens (docs/decisions/021-expiring-offline-tokens.md).
CREATE TABLE "TokenRefreshLease" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" BIGINT NOT NULL
);
