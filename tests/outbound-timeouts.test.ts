/**
 * Issue 22: an Admin API request that Shopify never answers must not hold its job "running" (its
 * lease renewed) for ever. The emulator's `hangRequests` fault leaves requests open; the app aborts
 * each after SHOPIFY_REQUEST_TIMEOUT_MS, the job is retried, and once the outage ends the levels
 * reach what the reference model (tests/model) says the policy gives.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
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

    // Every hung request was given up on (the fault is spent), no job is left running, and a job
    // failed on the timeout and was retried.
    const timedOut = await prisma.job.findMany({ where: { shop, lastError: { contains: "not answered within" } } });
    const drift = driftFromModel(harness.sandbox.shop(shop).snapshot(), stricter);
    reportFigure(
      "hung-admin",
      `${HUNG} requests hung (timeout ${TIMEOUT_MS} ms): ${timedOut.length} job(s) retried (attempts ${timedOut.map((job) => job.attempts).join(", ")}), ${drift.length} level(s) off the policy ${(elapsed / 1000).toFixed(1)} s after publishing`,
    );
    expect(await setSandboxFaults(harness, shop, {})).toMatchObject({ hangRequests: 0 });
    expect(await prisma.job.count({ where: { shop, status: "running" } })).toBe(0);
    expect(timedOut.length).toBeGreaterThan(0);
    expect(timedOut.every((job) => job.status === "done" && job.attempts > 1)).toBe(true);
    // Each hung request cost one timeout, not several retries of it inside one job run.
    expect(elapsed).toBeLessThan(HUNG * TIMEOUT_MS + 5_000);
    expect(drift).toEqual([]);
  }, 30_000);
});
