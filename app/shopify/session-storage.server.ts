import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

/**
 * The library's view of our sessions (docs/decisions/021-expiring-offline-tokens.md). Rows are
 * stored as they are; offline sessions are *handed to the library* so that:
 *
 * - it never refreshes an expiring token itself: `authenticate.webhook` would otherwise redeem the
 *   refresh token inside a webhook request (shopify-app-remix ensureOfflineTokenIsNotExpired),
 *   beside, and racing, the one refresher per shop of app/shopify/offline-token.server.ts. It gets
 *   the session without its refresh token; the token source reads the row itself.
 * - a non-expiring token is cycled on the merchant's next admin load: it is handed over as expired,
 *   so `authenticate.admin` runs token exchange, which asks for an expiring token
 *   (`future.expiringOfflineAccessTokens` sends expiring=1) and stores the new pair over it —
 *   "Existing non-expiring tokens … cycle automatically the next time each merchant opens your app
 *   and your app requests a new token" (shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens).
 */
export class OfflineTokenAwareSessionStorage implements SessionStorage {
  constructor(private readonly rows: SessionStorage) {}

  storeSession(session: Session) {
    return this.rows.storeSession(session);
  }

  async loadSession(id: string) {
    const session = await this.rows.loadSession(id);
    return session ? forTheLibrary(session) : undefined;
  }

  deleteSession(id: string) {
    return this.rows.deleteSession(id);
  }

  deleteSessions(ids: string[]) {
    return this.rows.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string) {
    return (await this.rows.findSessionsByShop(shop)).map(forTheLibrary);
  }
}

function forTheLibrary(session: Session): Session {
  if (session.isOnline) return session;
  const params = session.toObject();
  if (!session.refreshToken) return new Session({ ...params, expires: new Date(0) });
  return new Session({ ...params, refreshToken: undefined, refreshTokenExpires: undefined });
}
