/**
 * Several worker processes share one per-shop bucket (docs/decisions/014): two Admin clients
 * with their own Redis connections (as two processes would have) fire a burst at an emulated
 * shop with a small bucket. With the Redis store, Shopify never answers THROTTLED; with two
 * separate in-process estimates (what two processes had before), it does — the check can fail.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedis } from "~/jobs/redis.server";
import { BucketRegistry, createAdminClient, fetchTransport, type AdminTransport, type ThrottleStore } from "~/shopify/admin-client.server";
import { RedisThrottleStore } from "~/shopify/redis-throttle-store.server";
import { SANDBOX_SHOP_DOMAIN } from "../sandbox";
import { startHarness } from "./support/harness";
import { waitFor } from "./support/wait-for";

const prefix = `throttle-test-${randomBytes(4).toString("hex")}`;
const connections = [createRedis(), createRedis()];

afterAll(async () => {
  const keys = await connections[0].keys(`${prefix}:*`);
  if (keys.length > 0) await connections[0].del(...keys);
  await Promise.all(connections.map((redis) => redis.quit()));
});

/**
 * The app's token for the burst: an expiring one (an hour, Shopify's lifetime), because the
 * emulator, like Shopify, refuses the app's non-expiring tokens from 2027-01-01.
 */
const ACCESS_TOKEN = `shpat_${randomBytes(16).toString("hex")}`;

const QUERY = `query Burst { locations(first: 5) { nodes { id name } } }`;

/**
 * Whether the app's bucket at the shop is full again, as Shopify reports it on every answer
 * (extensions.cost.throttleStatus, https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits):
 * the 1-point probe itself leaves it one under the maximum.
 */
async function bucketIsFull(): Promise<boolean> {
  const response = await fetch(`https://${SANDBOX_SHOP_DOMAIN}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": ACCESS_TOKEN },
    body: JSON.stringify({ query: "query Probe { shop { name } }" }),
  });
  const body = (await response.json()) as { extensions?: { cost?: { throttleStatus?: { currentlyAvailable: number; maximumAvailable: number } } } };
  const status = body.extensions?.cost?.throttleStatus;
  if (!status) throw new Error(`no throttleStatus in ${JSON.stringify(body)}`);
  return status.currentlyAvailable >= status.maximumAvailable - 1;
}

async function burst(stores: [ThrottleStore, ThrottleStore], requestsPerWorker: number, lanes: number) {
  let throttled = 0;
  let answered = 0;
  const counting: AdminTransport = async (request) => {
    const response = await fetchTransport(request);
    answered++;
    const errors = response.body?.errors;
    if (Array.isArray(errors) && errors.some((error) => error.extensions?.code === "THROTTLED")) throttled++;
    return response;
  };
  const workers = stores.map((buckets) =>
    createAdminClient({ shop: SANDBOX_SHOP_DOMAIN, accessToken: ACCESS_TOKEN, transport: counting, buckets, maxThrottleWaits: 1_000 }),
  );
  // Each worker runs `lanes` requests at a time, as a worker with that concurrency would.
  await Promise.all(
    workers.flatMap((client) =>
      Array.from({ length: lanes }, async (_, lane) => {
        for (let index = lane; index < requestsPerWorker; index += lanes) await client.request("Burst", QUERY);
      }),
    ),
  );
  return { throttled, answered };
}

describe("shared throttle", () => {
  // A small, slow bucket: the burst needs about three bucketfuls, so it must wait for refills,
  // and the control's all-at-once burst overspends however slow this machine is.
  const harness = startHarness({ throttle: { bucketSize: 60, restoreRate: 40 } });

  it("keeps two workers together under the shop's limit (and separate estimates would not)", async () => {
    harness.sandbox.install(SANDBOX_SHOP_DOMAIN);
    const emulator = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN);
    emulator.grantExpiringAccessToken!(ACCESS_TOKEN, ["read_locations"], new Date(emulator.clock.now().getTime() + 3_600_000));
    const shared = await burst([new RedisThrottleStore(connections[0], prefix), new RedisThrottleStore(connections[1], prefix)], 15, 3);
    expect(shared.answered).toBe(30);
    expect(shared.throttled).toBe(0);

    // Control: two separate per-process estimates (two processes before this store) overspend.
    await waitFor(bucketIsFull, { timeoutMs: 10_000, intervalMs: 100, what: "the shop's bucket refilling" });
    const separate = await burst([new BucketRegistry(), new BucketRegistry()], 15, 15);
    expect(separate.throttled).toBeGreaterThan(0);
  });
});
