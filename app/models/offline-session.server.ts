/**
 * The offline token source's store (docs/decisions/021-expiring-offline-tokens.md): a shop's
 * offline session row and the per-shop refresh lease (`TokenRefreshLease`). The token source
 * (app/shopify/offline-token.server.ts) decides when to refresh; this module only reads and writes
 * the rows, each write conditional on the pair it replaces so that a newer pair stored meanwhile
 * (a token exchange in another process) stays. The composition root hands it to the token source.
 * Nothing here logs a token.
 */
import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export const offlineSessionId = (shop: string) => `offline_${shop}`;

export interface OfflineSessionRow {
  accessToken: string;
  /** null: a non-expiring token. */
  expires: Date | null;
  refreshToken: string | null;
}

/** An expiring pair as Shopify answered it (a refresh, or the exchange of a non-expiring token). */
export interface StoredPair {
  accessToken: string;
  expires: Date;
  refreshToken: string;
  refreshTokenExpires: Date | null;
  scope: string | null;
}

const pairData = (pair: StoredPair) => ({
  accessToken: pair.accessToken,
  expires: pair.expires,
  refreshToken: pair.refreshToken,
  refreshTokenExpires: pair.refreshTokenExpires,
  ...(pair.scope ? { scope: pair.scope } : {}),
});

export function createOfflineSessionStore(db: PrismaClient = prisma) {
  return {
    /** The shop's offline session (null: no row, or one without a token: not installed). */
    async load(shop: string): Promise<OfflineSessionRow | null> {
      const row = await db.session.findUnique({
        where: { id: offlineSessionId(shop) },
        select: { accessToken: true, expires: true, refreshToken: true },
      });
      return row?.accessToken ? row : null;
    },

    /** One conditional upsert: a free lease, or one that ran out before `at` (a crashed holder). */
    async claimLease(shop: string, holder: string, at: number, leaseMs: number): Promise<boolean> {
      const now = BigInt(at);
      const claimed = await db.$executeRaw`
        INSERT INTO "TokenRefreshLease" ("shop", "holder", "expiresAt") VALUES (${shop}, ${holder}, ${now + BigInt(leaseMs)})
        ON CONFLICT ("shop") DO UPDATE SET "holder" = excluded."holder", "expiresAt" = excluded."expiresAt"
        WHERE "TokenRefreshLease"."expiresAt" <= ${now}`;
      return claimed === 1;
    },

    async releaseLease(shop: string, holder: string): Promise<void> {
      await db.tokenRefreshLease.deleteMany({ where: { shop, holder } });
    },

    /** The refreshed pair in one write, only over the pair whose refresh token was used. */
    async storeRefreshed(shop: string, usedRefreshToken: string, pair: StoredPair): Promise<void> {
      await db.session.updateMany({ where: { id: offlineSessionId(shop), refreshToken: usedRefreshToken }, data: pairData(pair) });
    },

    /** The expiring pair over the non-expiring token it was exchanged for, if the row still holds it. */
    async storeExchanged(shop: string, nonExpiringToken: string, pair: StoredPair): Promise<void> {
      await db.session.updateMany({ where: { id: offlineSessionId(shop), accessToken: nonExpiringToken, refreshToken: null }, data: pairData(pair) });
    },

    /** Removes the row only while it still holds this refresh token (Shopify refused it). */
    async deleteWithRefreshToken(shop: string, refreshToken: string): Promise<void> {
      await db.session.deleteMany({ where: { id: offlineSessionId(shop), refreshToken } });
    },

    /** Removes the row only while it still holds this access token (Shopify refused it). */
    async deleteWithAccessToken(shop: string, accessToken: string): Promise<void> {
      await db.session.deleteMany({ where: { id: offlineSessionId(shop), accessToken } });
    },
  };
}

export type OfflineTokenKind =
  | { kind: "none" }
  | { kind: "non-expiring" }
  | { kind: "expiring"; expires: string | null; refreshTokenExpires: string | null };

/** Which kind of offline token the shop holds (the Overview says it; never the token itself). */
export async function offlineTokenKind(shop: string, db: PrismaClient = prisma): Promise<OfflineTokenKind> {
  const row = await db.session.findUnique({
    where: { id: offlineSessionId(shop) },
    select: { expires: true, refreshToken: true, refreshTokenExpires: true },
  });
  if (!row) return { kind: "none" };
  if (!row.refreshToken) return { kind: "non-expiring" };
  return { kind: "expiring", expires: row.expires?.toISOString() ?? null, refreshTokenExpires: row.refreshTokenExpires?.toISOString() ?? null };
}
