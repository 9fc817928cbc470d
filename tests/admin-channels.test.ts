/**
 * Channels page routes: a manual pause needs a reason, publishes a policy version, drops the
 * channel to 0 for every SKU and unpublishes its products (Safestock's own unpublications);
 * resume gives everything back. Ends by reading the emulated shop's state.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action, loader } from "~/routes/app.channels";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";

let harness: Harness;

function publishedOn(channelName: string): Set<string> {
  const publication = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot().publications.find((entry) => entry.name === channelName)!;
  return new Set(Object.keys(publication.published));
}

beforeAll(async () => {
  harness = startHarness();
  await harness.install();
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

describe("channels page", () => {
  it("lists every sales channel with its rule and state", async () => {
    const page = await callLoader(harness, loader, "/app/channels");
    expect(page.status).toBe(200);
    expect(page.data.channels.map((channel: { name: string }) => channel.name)).toEqual(["Marketplace", "Online Store", "Point of Sale", "Wholesale"]);
    expect(page.data.channels[0]).toMatchObject({ allocation: "Shares the whole pool", drawsFrom: "Every location", state: "Selling", pausedByMerchant: false });
  });

  it("refuses a pause without a reason and changes nothing", async () => {
    const refused = await callAction(harness, action, "/app/channels", { intent: "pause", channel: "marketplace", reason: "  " });
    expect(refused.status).toBe(422);
    expect(refused.data.problems[0].path).toBe("reason");
    expect(await prisma.policyVersion.count()).toBe(0);
  });

  it("pauses with a reason: 0 everywhere on the channel, products unpublished, reason audited; resume restores", async () => {
    const before = publishedOn("Marketplace");
    expect(before.size).toBeGreaterThan(0);
    const paused = await callAction(harness, action, "/app/channels", { intent: "pause", channel: "marketplace", reason: "Listing under review" });
    expect(paused.data).toMatchObject({ ok: true, version: 1 });
    await harness.settle();

    const states = await prisma.channelState.findMany({ where: { channel: "marketplace" } });
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((state) => state.available === 0 && state.paused)).toBe(true);
    expect(publishedOn("Marketplace").size).toBe(0);
    // Other channels keep selling.
    expect(await prisma.channelState.count({ where: { channel: "online_store", available: { gt: 0 } } })).toBeGreaterThan(0);
    expect(await prisma.auditEntry.findFirst({ where: { subject: "channel_pause", channel: "marketplace" } })).toMatchObject({ reason: "Listing under review", ruleVersion: 1, actor: "merchant" });
    const page = await callLoader(harness, loader, "/app/channels");
    expect(page.data.channels[0]).toMatchObject({ pausedByMerchant: true, state: "Paused by the merchant: Listing under review" });

    const resumed = await callAction(harness, action, "/app/channels", { intent: "resume", channel: "marketplace", reason: "Review passed" });
    expect(resumed.data).toMatchObject({ ok: true, version: 2 });
    await harness.settle();
    expect([...publishedOn("Marketplace")].sort()).toEqual([...before].sort());
    expect(await prisma.channelState.count({ where: { channel: "marketplace", paused: true } })).toBe(0);
  });

  it("sets the marketplace's refresh window as a policy version, refusing a bad value with the engine's words", async () => {
    const versions = await prisma.policyVersion.count();
    const refused = await callAction(harness, action, "/app/channels", { intent: "refresh", channel: "marketplace", refreshSeconds: "0" });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([
      { path: "channels[0].refreshSeconds", message: "must be a positive number of seconds (how often marketplace re-reads its listing), got 0" },
    ]);
    expect(await prisma.policyVersion.count()).toBe(versions);

    const saved = await callAction(harness, action, "/app/channels", { intent: "refresh", channel: "marketplace", refreshSeconds: "15" });
    expect(saved.data).toMatchObject({ ok: true, version: versions + 1, intent: "refresh" });
    await harness.settle();
    const page = await callLoader(harness, loader, "/app/channels");
    expect(page.data.channels[0]).toMatchObject({ name: "Marketplace", refreshSeconds: 15, state: "Selling" });
    expect(page.data.channels[1]).toMatchObject({ name: "Online Store", refreshSeconds: null });

    const cleared = await callAction(harness, action, "/app/channels", { intent: "refresh", channel: "marketplace", refreshSeconds: "" });
    expect(cleared.data).toMatchObject({ ok: true, version: versions + 2 });
    expect((await callLoader(harness, loader, "/app/channels")).data.channels[0]).toMatchObject({ refreshSeconds: null });
  });

  it("sets a ring fence with the refresh window, refusing a bad value with the engine's words; a form without the field keeps it", async () => {
    const versions = await prisma.policyVersion.count();
    const refused = await callAction(harness, action, "/app/channels", { intent: "refresh", channel: "marketplace", refreshSeconds: "15", ringFenceUnits: "-2" });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([{ path: "channels[0].ringFenceUnits", message: "must not be negative, got -2" }]);
    expect(await prisma.policyVersion.count()).toBe(versions);

    const saved = await callAction(harness, action, "/app/channels", { intent: "refresh", channel: "marketplace", refreshSeconds: "15", ringFenceUnits: "10" });
    expect(saved.data).toMatchObject({ ok: true, version: versions + 1 });
    await harness.settle();
    expect((await callLoader(harness, loader, "/app/channels")).data.channels[0]).toMatchObject({ refreshSeconds: 15, ringFenceUnits: 10 });

    await callAction(harness, action, "/app/channels", { intent: "refresh", channel: "marketplace", refreshSeconds: "30" });
    expect((await callLoader(harness, loader, "/app/channels")).data.channels[0]).toMatchObject({ refreshSeconds: 30, ringFenceUnits: 10 });
    await callAction(harness, action, "/app/channels", { intent: "refresh", channel: "marketplace", refreshSeconds: "", ringFenceUnits: "" });
    expect((await callLoader(harness, loader, "/app/channels")).data.channels[0]).toMatchObject({ refreshSeconds: null, ringFenceUnits: null });
  });
});
