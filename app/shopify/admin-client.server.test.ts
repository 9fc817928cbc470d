import { afterEach, describe, expect, it } from "vitest";
import { AdminApiError, BucketRegistry, createAdminClient, onAdminApiAnswered, onAdminApiFailure, type AdminTransport, type TransportResponse } from "./admin-client.server";

function cost(requested: number, currentlyAvailable: number, maximumAvailable = 100, restoreRate = 10) {
  return { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate } };
}

function scripted(responses: (TransportResponse | Error)[]) {
  const calls: number[] = [];
  let clock = 0;
  const sleeps: number[] = [];
  const transport: AdminTransport = async () => {
    calls.push(clock);
    const next = responses.shift();
    if (!next) throw new Error("no more responses");
    if (next instanceof Error) throw next;
    return next;
  };
  const client = createAdminClient({
    shop: "a.myshopify.com",
    accessToken: "t",
    transport,
    buckets: new BucketRegistry(),
    now: () => clock,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  return { client, calls, sleeps };
}

const ok = (data: unknown, c = cost(10, 90)): TransportResponse => ({ status: 200, body: { data, extensions: { cost: c } }, requestId: "req-1" });

describe("createAdminClient", () => {
  it("asks for the token after waiting for the bucket, so a token that expired during the wait is not sent", async () => {
    // Hand-made timeline: the first request leaves 10 of 100 points; the second needs 60 at
    // 10 points/s, so it waits 5 s. The token source says "t1" until 3 s, "t2" after.
    let clock = 0;
    const sent: string[] = [];
    const responses = [ok({ a: 1 }, cost(60, 10)), ok({ a: 2 }, cost(60, 0))];
    const client = createAdminClient({
      shop: "a.myshopify.com",
      accessToken: async () => (clock < 3000 ? "t1" : "t2"),
      transport: async ({ accessToken }) => {
        sent.push(accessToken);
        return responses.shift()!;
      },
      buckets: new BucketRegistry(),
      now: () => clock,
      random: () => 0.5,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    await client.request("Op", "{ a }");
    await client.request("Op", "{ a }");
    expect(sent).toEqual(["t1", "t2"]);
  });

  it("waits for the bucket and retries a THROTTLED response instead of surfacing it", async () => {
    const throttled: TransportResponse = {
      status: 200,
      body: { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: { cost: cost(50, 20) } },
      requestId: null,
    };
    const { client, sleeps } = scripted([throttled, ok({ shop: { name: "A" } }, cost(50, 0))]);
    const result = await client.request<{ shop: { name: string } }>("ShopName", "{ shop { name } }");
    expect(result.data.shop.name).toBe("A");
    // 30 points missing at 10 points/s → 3 s.
    expect(sleeps).toEqual([3000]);
  });

  it("paces the next request from the last throttle status", async () => {
    const { client, sleeps } = scripted([ok({ a: 1 }, cost(60, 10)), ok({ a: 2 }, cost(60, 0))]);
    await client.request("Op", "{ a }");
    await client.request("Op", "{ a }");
    // 10 available, 60 needed at 10/s → wait 5 s before the second call.
    expect(sleeps).toEqual([5000]);
  });

  it("books the bucket for concurrent requests so they queue instead of all being throttled", async () => {
    const { client, sleeps } = scripted([ok({ a: 0 }, cost(60, 70)), ok({ a: 1 }, cost(60, 10)), ok({ a: 2 }, cost(60, 0))]);
    await client.request("Op", "{ a }");
    // 70 available: the first of two concurrent requests goes now, the second waits for 50 more points.
    await Promise.all([client.request("Op", "{ a }"), client.request("Op", "{ a }")]);
    expect(sleeps).toEqual([5000]);
  });

  it("retries 5xx and network errors with backoff", async () => {
    const { client, sleeps } = scripted([
      new Error("ECONNRESET"),
      { status: 502, body: null, requestId: null },
      ok({ ok: true }),
    ]);
    await expect(client.request("Op", "{ ok }")).resolves.toMatchObject({ data: { ok: true } });
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0]);
  });

  it("throws a typed error for a revoked token", async () => {
    const { client } = scripted([{ status: 401, body: { errors: "[API] Invalid API key or access token" }, requestId: null }]);
    const error = await client.request("Op", "{ ok }").catch((thrown) => thrown);
    expect(error).toBeInstanceOf(AdminApiError);
    expect((error as AdminApiError).unauthorized).toBe(true);
  });

  it("throws on GraphQL errors other than THROTTLED", async () => {
    const { client } = scripted([
      { status: 200, body: { errors: [{ message: "Field 'nope' doesn't exist on type 'Shop'" }] }, requestId: null },
    ]);
    await expect(client.request("Op", "{ shop { nope } }")).rejects.toThrow(/doesn't exist/);
  });

  describe("reports for the Shopify banner", () => {
    afterEach(() => {
      onAdminApiFailure(null);
      onAdminApiAnswered(null);
    });

    it("reports each failed attempt, then the answer that ended them (not a throttled one), in that order", async () => {
      const reports: string[] = [];
      onAdminApiFailure((failure) => reports.push(`failed ${failure.kind}`));
      onAdminApiAnswered((shop) => reports.push(`answered ${shop}`));
      const throttled: TransportResponse = {
        status: 200,
        body: { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: { cost: cost(50, 20) } },
        requestId: null,
      };
      const { client } = scripted([{ status: 503, body: null, requestId: null }, throttled, ok({ ok: true })]);
      await client.request("Op", "{ ok }");
      expect(reports).toEqual(["failed server_error", "answered a.myshopify.com"]);
    });
  });
});
