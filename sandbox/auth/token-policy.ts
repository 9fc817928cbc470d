/**
 * Lifetimes and dates of the sandbox's offline tokens, in one place:
 *
 * - An expiring offline access token lives 60 minutes (`expires_in: 3600`), its refresh token 90
 *   days (shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens;
 *   shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh).
 * - A refresh token already used may be retried until its replacement is first used, at most 30
 *   days after its own first use, never beyond its 90 days
 *   (shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens).
 * - From 2027-01-01 Shopify rejects Admin API requests that a public app makes with a non-expiring
 *   offline token (shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens).
 *
 * `SANDBOX_TOKEN_TTL_S` shortens the access token's life so that tests see many expiries;
 * `SANDBOX_REJECT_NON_EXPIRING_FROM` moves the rejection date ("never" turns it off).
 */
export interface TokenPolicy {
  /** Expiring offline access tokens' lifetime, seconds. */
  accessTokenTtlS: number;
  /** Refresh tokens' lifetime, seconds. */
  refreshTokenTtlS: number;
  /** How long after its first use a refresh token may still be retried, seconds. */
  refreshRetryWindowS: number;
  /** From this instant (the shop's clock) non-expiring offline tokens of the app are refused; null: never. */
  rejectNonExpiringFrom: Date | null;
}

export const SHOPIFY_ACCESS_TOKEN_TTL_S = 3_600;
export const SHOPIFY_REFRESH_TOKEN_TTL_S = 90 * 24 * 3_600;
export const SHOPIFY_REFRESH_RETRY_WINDOW_S = 30 * 24 * 3_600;
export const SHOPIFY_NON_EXPIRING_REJECTED_FROM = "2027-01-01T00:00:00.000Z";

export const DEFAULT_TOKEN_POLICY: TokenPolicy = {
  accessTokenTtlS: SHOPIFY_ACCESS_TOKEN_TTL_S,
  refreshTokenTtlS: SHOPIFY_REFRESH_TOKEN_TTL_S,
  refreshRetryWindowS: SHOPIFY_REFRESH_RETRY_WINDOW_S,
  rejectNonExpiringFrom: new Date(SHOPIFY_NON_EXPIRING_REJECTED_FROM),
};

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of seconds, got "${value}"`);
  return n;
}

function rejectionDate(value: string | undefined): Date | null {
  if (value === undefined || value.trim() === "") return DEFAULT_TOKEN_POLICY.rejectNonExpiringFrom;
  if (value.trim() === "never") return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`SANDBOX_REJECT_NON_EXPIRING_FROM must be a date or "never", got "${value}"`);
  return date;
}

/** The policy `SANDBOX_TOKEN_TTL_S` and `SANDBOX_REJECT_NON_EXPIRING_FROM` ask for (Shopify's otherwise). */
export function tokenPolicyFromEnv(env: Record<string, string | undefined> = process.env): TokenPolicy {
  return {
    ...DEFAULT_TOKEN_POLICY,
    accessTokenTtlS: positiveNumber("SANDBOX_TOKEN_TTL_S", env.SANDBOX_TOKEN_TTL_S) ?? SHOPIFY_ACCESS_TOKEN_TTL_S,
    rejectNonExpiringFrom: rejectionDate(env.SANDBOX_REJECT_NON_EXPIRING_FROM),
  };
}
