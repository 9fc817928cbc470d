import type { Redis } from "ioredis";
import { BucketRegistry, type CostExtension, type ThrottleStore } from "./admin-client.server";

/**
 * The per-shop leaky-bucket estimate in Redis, shared by every worker process
 * (docs/decisions/014-shared-throttle-and-single-scheduler.md). Shopify meters one bucket per
 * app + shop (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): four workers that each
 * kept their own estimate would spend it four times. Each booking is one Lua script, so bookings
 * of all processes are serialised; times are Redis's own clock (`TIME`), the same for every process.
 *
 * Hash fields: `max` and `rate` (from throttleStatus), `available` = points left at time `at`
 * (ms) after every booking so far. `at` may lie in the future: a booking that had to wait is
 * debited at its send time, and later bookings queue behind it.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(redis.call('HGET', KEYS[1], 'max'))
if not max then return 0 end
local available = tonumber(redis.call('HGET', KEYS[1], 'available'))
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate'))
local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
local need = math.min(tonumber(ARGV[1]), max)
local base = math.max(now, at)
local atBase = math.min(max, available + (base - at) / 1000 * rate)
local sendAt = base
if atBase < need then sendAt = base + math.ceil((need - atBase) / rate * 1000) end
local atSend = math.min(max, available + (sendAt - at) / 1000 * rate)
redis.call('HSET', KEYS[1], 'available', tostring(atSend - need), 'at', sendAt)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return sendAt - now
`;

/**
 * Shopify's answer corrects the estimate, but only downwards: it cannot know about bookings of
 * other workers still in flight, so taking it as is would forget them and overspend. Refill
 * brings a too-low estimate back up at the restore rate.
 */
const OBSERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local observed = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local known = tonumber(redis.call('HGET', KEYS[1], 'max'))
if not known then
  redis.call('HSET', KEYS[1], 'max', max, 'rate', rate, 'available', tostring(observed), 'at', now)
else
  local available = tonumber(redis.call('HGET', KEYS[1], 'available'))
  local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
  redis.call('HSET', KEYS[1], 'max', max, 'rate', rate)
  if at <= now then
    local projected = math.min(max, available + (now - at) / 1000 * rate)
    redis.call('HSET', KEYS[1], 'available', tostring(math.min(projected, observed)), 'at', now)
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

/** Idle shops' buckets expire (a full bucket is what Shopify has after an hour of quiet anyway). */
const BUCKET_TTL_MS = 60 * 60_000;

export class RedisThrottleStore implements ThrottleStore {
  /** Operation costs are hints for the first booking only: kept per process. */
  private readonly hints = new BucketRegistry();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = "safestock",
  ) {}

  private key(shop: string): string {
    return `${this.prefix}:throttle:${shop}`;
  }

  async reserve(shop: string, cost: number): Promise<number> {
    return Number(await this.redis.eval(RESERVE, 1, this.key(shop), cost, BUCKET_TTL_MS));
  }

  async observe(shop: string, cost: CostExtension): Promise<void> {
    const { maximumAvailable, currentlyAvailable, restoreRate } = cost.throttleStatus;
    await this.redis.eval(OBSERVE, 1, this.key(shop), maximumAvailable, currentlyAvailable, restoreRate, BUCKET_TTL_MS);
  }

  expectedCost(operation: string): number {
    return this.hints.expectedCost(operation);
  }

  rememberCost(operation: string, requested: number): void {
    this.hints.rememberCost(operation, requested);
  }

  async forget(shop: string): Promise<void> {
    await this.redis.del(this.key(shop));
  }
}
