/**
 * The token source against a stand-in for Shopify's refresh endpoint (no network). Rules it
 * follows: shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh (refresh
 * ahead of expiry, store the new pair), shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens
 * (retry a lost answer with the same refresh token), RFC 6749 §5.2 (invalid_grant is final),
 * shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens
 * (cycle a non-expiring token with token exchange when the merchant does not open the app).
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createOfflineSessionStore } from "~/models/offline-session.server";
import { createOfflineTokenSource, RefreshHttpError, RefreshTokenRejectedError, type RefreshedPair } from "./offline-token.server";

const HOUR = 3_600_000;
let shops = 0;

async function storedShop(expiresInMs: number | null) {
  const shop = `token-source-${++shops}.myshopify.com`;
  await prisma.session.create({
    data: {
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: "shpat_old",
      expires: expiresInMs === null ? null : new Date(Date.now() + expiresInMs),
      refreshToken: expiresInMs === null ? null : "shprt_old",
    },
  });
  return shop;
}

const pair = (n: number): RefreshedPair => ({
  accessToken: `shpat_${n}`,
  expires: new Date(Date.now() + HOUR),
  refreshToken: `shprt_${n}`,
  refreshTokenExpires: new Date(Date.now() + 90 * 24 * HOUR),
  scope: "write_inventory",
});

const store = createOfflineSessionStore(prisma);

const noSleep = () => Promise.resolve();

describe("offline token source", () => {
  it("hands out a token with time left as stored, without refreshing", async () => {
    const shop = await storedShop(HOUR);
    const presented: string[] = [];
    const source = createOfflineTokenSource({ store, refreshAheadMs: 60_000, redeem: async (_, token) => (presented.push(token), pair(1)) });
    expect(await source.accessToken(shop)).toMatchObject({ accessToken: "shpat_old" });
    expect(presented).toEqual([]);
  });

  it("refreshes a token about to expire and stores the new pair in its row", async () => {
    const shop = await storedShop(30_000);
    const presented: string[] = [];
    const source = createOfflineTokenSource({ store, refreshAheadMs: 60_000, redeem: async (_, token) => (presented.push(token), pair(1)) });
    expect(await source.accessToken(shop)).toMatchObject({ accessToken: "shpat_1" });
    expect(presented).toEqual(["shprt_old"]);
    expect(await prisma.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } })).toMatchObject({ accessToken: "shpat_1", refreshToken: "shprt_1" });
  });

  it("a 401 (rejected) replaces a token that still looks alive", async () => {
    const shop = await storedShop(HOUR);
    const source = createOfflineTokenSource({ store, refreshAheadMs: 60_000, redeem: async () => pair(2) });
    expect(await source.accessToken(shop, { rejected: "shpat_old" })).toMatchObject({ accessToken: "shpat_2" });
  });

  it("retries a lost answer (network error, 5xx) with the same refresh token", async () => {
    const shop = await storedShop(0);
    const presented: string[] = [];
    const answers: (() => RefreshedPair)[] = [
      () => {
        throw new TypeError("fetch failed");
      },
      () => {
        throw new RefreshHttpError(shop, 503, null);
      },
      () => pair(3),
    ];
    const source = createOfflineTokenSource({ store, refreshAheadMs: 60_000, sleep: noSleep, redeem: async (_, token) => (presented.push(token), answers.shift()!()) });
    expect(await source.accessToken(shop)).toMatchObject({ accessToken: "shpat_3" });
    expect(presented).toEqual(["shprt_old", "shprt_old", "shprt_old"]);
  });

  it("invalid_grant is final: the dead row goes and the caller is told", async () => {
    const shop = await storedShop(0);
    let calls = 0;
    const source = createOfflineTokenSource({
      store,
      refreshAheadMs: 60_000,
      sleep: noSleep,
      redeem: async () => {
        calls++;
        throw new RefreshHttpError(shop, 400, "invalid_grant");
      },
    });
    await expect(source.accessToken(shop)).rejects.toBeInstanceOf(RefreshTokenRejectedError);
    expect(calls).toBe(1);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect(await prisma.tokenRefreshLease.count({ where: { shop } })).toBe(0);
  });

  it("a non-expiring token is exchanged for an expiring pair on first use, stored over it", async () => {
    const shop = await storedShop(null);
    const offered: string[] = [];
    const source = createOfflineTokenSource({ store, refreshAheadMs: 60_000, migrate: async (_, token) => (offered.push(token), pair(4)) });
    expect(await source.accessToken(shop)).toMatchObject({ accessToken: "shpat_4" });
    expect(offered).toEqual(["shpat_old"]);
    expect(await prisma.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } })).toMatchObject({ accessToken: "shpat_4", refreshToken: "shprt_4" });
  });

  it("a non-expiring token Shopify will not exchange is used as it is, and offered once", async () => {
    const shop = await storedShop(null);
    let offered = 0;
    const source = createOfflineTokenSource({
      store,
      migrate: async () => {
        offered++;
        throw new RefreshHttpError(shop, 400, "invalid_subject_token");
      },
    });
    const token = await source.accessToken(shop);
    expect(token).toEqual({ accessToken: "shpat_old", expires: null });
    expect(source.isStale(token)).toBe(false);
    expect(await source.accessToken(shop)).toEqual({ accessToken: "shpat_old", expires: null });
    expect(offered).toBe(1);
  });

  it("waits for another process's lease and uses what it stored", async () => {
    const shop = await storedShop(0);
    await prisma.tokenRefreshLease.create({ data: { shop, holder: "other-process", expiresAt: BigInt(Date.now() + 60_000) } });
    let redeemed = 0;
    const source = createOfflineTokenSource({ store, refreshAheadMs: 60_000, pollMs: 5, redeem: async () => (redeemed++, pair(5)) });
    const waiting = source.accessToken(shop);
    // The other process stores its pair and lets go of the lease.
    await prisma.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: "shpat_other", expires: new Date(Date.now() + HOUR), refreshToken: "shprt_other" } });
    await prisma.tokenRefreshLease.delete({ where: { shop } });
    expect(await waiting).toMatchObject({ accessToken: "shpat_other" });
    expect(redeemed).toBe(0);
  });
});
