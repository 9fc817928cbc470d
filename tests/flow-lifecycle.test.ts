/**
 * Flow's trigger lifecycle callbacks (https://shopify.dev/docs/apps/build/flow/track-lifecycle-events;
 * docs/decisions/035-shopify-flow.md), against the emulated shop: a trigger no enabled workflow
 * uses costs no Admin API request at all; the merchant enabling a workflow makes Flow ask the app
 * first (signed callback, 2xx or the workflow stays off), after which that trigger, and only it,
 * arrives; disabling it stops it again. A forged callback is refused 401 and records nothing, and
 * an older callback never overwrites a newer one.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as channelsAction } from "~/routes/app.channels";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import type { CostLogEntry } from "../sandbox/admin-api/cost-log";
import { signWebhookBody } from "../sandbox/webhooks/sign";
import { mswServer } from "./setup/msw";
import { callAction } from "./support/admin-routes";
import { deliverToApp, startHarness, type Harness } from "./support/harness";

const harness: Harness = startHarness();
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));
beforeAll(() => harness.install().then(() => harness.settle()));

/** The app's flowTriggerReceive requests so far, as the shop logged them (accepted or not). */
async function flowTriggerRequests(): Promise<number> {
  const log = (await (await harness.sandbox.handle(new Request(`https://sandbox.test/sandbox/cost-log?apiClient=${harness.sandbox.apiKey}`))).json()) as CostLogEntry[];
  return log.filter((entry) => entry.operation === "SafestockFlowTriggerReceive").length;
}

const usage = () => prisma.flowTriggerUsage.findMany({ where: { shop: SANDBOX_SHOP_DOMAIN }, orderBy: { definitionId: "asc" }, select: { definitionId: true, inUse: true, notifiedAt: true } });

async function pauseAndResume(channel: string) {
  expect((await callAction(harness, channelsAction, "/app/channels", { intent: "pause", channel, reason: "Stocktake" })).data).toMatchObject({ ok: true });
  await harness.settle();
  expect((await callAction(harness, channelsAction, "/app/channels", { intent: "resume", channel, reason: "Stocktake done" })).data).toMatchObject({ ok: true });
  await harness.settle();
}

describe("Flow trigger lifecycle", () => {
  it("without a workflow, pausing and resuming a channel sends Flow nothing", async () => {
    const requests = await flowTriggerRequests();
    await pauseAndResume("wholesale");
    expect(await flowTriggerRequests()).toBe(requests);
    expect(harness.sandbox.flowTriggerRuns()).toEqual([]);
  });

  it("a workflow the merchant enables is announced to the app; its trigger then arrives, and stops once the workflow is off", async () => {
    const enabled = await harness.sandbox.enableFlowWorkflow({ trigger: "safestock-channel-paused" });
    expect(enabled).toMatchObject({ ok: true, callback: { status: 200, body: { flow_trigger_definition_id: "safestock-channel-paused", has_enabled_flow: true } } });
    expect(await usage()).toEqual([{ definitionId: "safestock-channel-paused", inUse: true, notifiedAt: expect.any(Date) }]);

    const requests = await flowTriggerRequests();
    await pauseAndResume("wholesale");
    // Two channel changes, one trigger each; the two publishes ("Stock protection changed") have no workflow.
    expect(await flowTriggerRequests()).toBe(requests + 2);
    expect(harness.sandbox.flowTriggerRuns().map((run) => [run.handle, run.payload.Paused, run.workflowsStarted])).toEqual([
      ["safestock-channel-paused", true, 1],
      ["safestock-channel-paused", false, 1],
    ]);

    if (!enabled.ok) throw new Error("enabled above");
    const disabled = await harness.sandbox.disableFlowWorkflow(enabled.workflow.id);
    expect(disabled).toMatchObject({ ok: true, callback: { status: 200, body: { has_enabled_flow: false } } });
    expect(await usage()).toMatchObject([{ definitionId: "safestock-channel-paused", inUse: false }]);
    await pauseAndResume("wholesale");
    expect(await flowTriggerRequests()).toBe(requests + 2);
    expect(harness.sandbox.flowTriggerRuns()).toHaveLength(2);
  });

  it("a callback with a bad or missing signature is refused 401, records nothing, and Flow keeps the workflow off", async () => {
    const before = await usage();
    for (const signature of ["bad", "none"] as const) {
      const refused = await harness.sandbox.enableFlowWorkflow({ trigger: "safestock-oversell-recorded", signature });
      expect(refused).toMatchObject({ ok: false, callback: { status: 401 } });
    }
    expect(await usage()).toEqual(before);
    const workflows = (await (await harness.sandbox.handle(new Request("https://sandbox.test/sandbox/flow/workflows"))).json()) as { trigger: string; enabled: boolean }[];
    expect(workflows.filter((workflow) => workflow.enabled)).toEqual([]);
  });

  it("an older callback than the one recorded is answered 200 and ignored; a newer one wins", async () => {
    const send = async (hasEnabledFlow: boolean, timestamp: string) => {
      const body = JSON.stringify({ flow_trigger_definition_id: "safestock-protection-changed", has_enabled_flow: hasEnabledFlow, shop_id: 1, shopify_domain: SANDBOX_SHOP_DOMAIN, timestamp });
      const request = new Request("https://safestock.test/flow/lifecycle", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": signWebhookBody(body, process.env.SHOPIFY_API_SECRET!) },
        body,
      });
      return (await deliverToApp(request)).status;
    };
    const protection = async () => (await usage()).find((row) => row.definitionId === "safestock-protection-changed");
    expect(await send(true, "2026-12-06T10:00:00.000Z")).toBe(200);
    expect(await protection()).toEqual({ definitionId: "safestock-protection-changed", inUse: true, notifiedAt: new Date("2026-12-06T10:00:00.000Z") });
    expect(await send(false, "2026-12-06T09:59:59.999Z")).toBe(200);
    expect(await protection()).toMatchObject({ inUse: true });
    expect(await send(false, "2026-12-06T10:00:00.001Z")).toBe(200);
    expect(await protection()).toMatchObject({ inUse: false });
    // Signed, but not a callback: 400, nothing recorded.
    const body = JSON.stringify({ flow_trigger_definition_id: "safestock-protection-changed", has_enabled_flow: "yes" });
    const malformed = new Request("https://safestock.test/flow/lifecycle", { method: "POST", headers: { "X-Shopify-Hmac-Sha256": signWebhookBody(body, process.env.SHOPIFY_API_SECRET!) }, body });
    expect((await deliverToApp(malformed)).status).toBe(400);
    expect(await protection()).toMatchObject({ inUse: false });
  });
});
