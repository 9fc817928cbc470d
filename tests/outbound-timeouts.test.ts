/**
 * Issue 22: an Admin API request that Shopify never answers must not hold its job "running" (its
 * lease renewed) for ever. The emulator's `hangRequests` fault leaves requests open; the app aborts
 * each after SHOPIFY_REQUEST_TIMEOUT_MS, the job is retried, and once the outage ends the levels
 * reach what the reference model (tests/model) says the policy gives.
 */
import { describe, expect, it } from "vitest";
import { jobQueue } from "~/services/jobs.server";
import { publishPolicy } from "~/services/policy.server";
import { driftFromModel } from "./model/shop-drift";
import { policyDocument, type ModelPolicy } from "./model/reference-model";
import { reportFigure } from "./support/chaos-figures";
import { installedWithPolicy, setSandboxFaults, TEST_MODEL_POLICY } from "./support/scenarios";

const TIMEOUT_MS = 300;
process.env.SHOPIFY_REQUEST_TIMEOUT_MS = String(TIMEOUT_MS);

describe("outbound requests Shopify never answers", () => {
  it("are aborted after the timeout, the job is retried, and the levels reach the policy after the outage", async () => {
    const shop = "hung-requests.myshopify.com";
    const harness = await installedWithPolicy(shop);

    const HUNG = 3;
    expect(await setSandboxFaults(harness, shop, { hangRequests: HUNG })).toMatchObject({ hangRequests: HUNG });
    const stricter: ModelPolicy = { ...TEST_MODEL_POLICY, forSku: { sku: "RING-6", units: 3 } };
    expect(await publishPolicy(shop, policyDocument(stricter), { createdBy: "test" })).toMatchObject({ ok: true });
    const started = Date.now();
    await harness.settle();
    const elapsed = Date.now() - started;
    console.log(`hung requests: ${HUNG}, timeout ${TIMEOUT_MS} ms, settled after ${elapsed} ms`);

    // Every hung request was given up on (the fault is spent: the emulator answers only after the
    // HUNG requests it held), no job is left running or dead, and the jobs whose request hung were
    // retried to success (the queue port's count, the same on either adapter).
    const stats = await jobQueue().stats(shop);
    const drift = driftFromModel(harness.sandbox.shop(shop).snapshot(), stricter);
    reportFigure(
      "hung-admin",
      `${HUNG} requests hung (timeout ${TIMEOUT_MS} ms): ${stats.doneAfterRetry} job(s) done after a retry, ${drift.length} level(s) off the policy ${(elapsed / 1000).toFixed(1)} s after publishing`,
    );
    expect(await setSandboxFaults(harness, shop, {})).toMatchObject({ hangRequests: 0 });
    expect(stats.byStatus).toMatchObject({ running: 0, pending: 0, dead: 0, waiting: 0 });
    expect(stats.doneAfterRetry).toBeGreaterThan(0);
    // Each hung request cost one timeout, not several retries of it inside one job run.
    expect(elapsed).toBeLessThan(HUNG * TIMEOUT_MS + 5_000);
    expect(drift).toEqual([]);
  }, 30_000);
});
