/**
 * Holds page routes: a customer hold lowers every channel by its units until released; bad input
 * is refused field by field. RING-7 has 8 + 3 + 1 = 12 on hand and no policy: online channels sell
 * the Warehouse's 8 (the stores do not fulfil online orders), POS every store's 12, before the hold
 * (sandbox/shop/README.md).
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action, loader } from "~/routes/app.holds";
import { sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";

let harness: Harness;

async function ring7Channels() {
  const item = await prisma.catalogItem.findFirstOrThrow({ where: { sku: "RING-7" } });
  const rows = await prisma.channelState.findMany({ where: { inventoryItemId: item.inventoryItemId }, orderBy: { channel: "asc" } });
  return rows.map((row) => [row.channel, row.available, JSON.parse(row.explain).map((line: { reason: string }) => line.reason)]);
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);

beforeAll(async () => {
  // A UTC shop: the time fields take the shop's wall clock, here the same as toISOString's
  // (tests/shop-time-zone.test.ts covers a shop in another zone).
  harness = startHarness({ timeZone: "UTC" });
  await harness.install();
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

describe("holds page", () => {
  it("starts the Location select on the Warehouse, the location that fulfils online orders, not Brooklyn store (first by name)", async () => {
    const page = (await callLoader(harness, loader, "/app/holds")).data;
    // The seed's locations by name; only the Warehouse fulfils online orders (sandbox/shop/README.md).
    expect(page.locations).toEqual(["Brooklyn store", "Soho store", "Warehouse"]);
    expect(page.defaultLocation).toBe("Warehouse");
  });

  it("starts empty and refuses bad holds field by field", async () => {
    expect((await callLoader(harness, loader, "/app/holds")).data.holds).toEqual([]);
    const refused = await callAction(harness, action, "/app/holds", { intent: "create", sku: "NOPE", location: "Mars", units: "0", expiresAt: "2020-01-01T00:00", note: "" });
    expect(refused.status).toBe(422);
    expect(refused.data.problems.map((problem: { path: string }) => problem.path).sort()).toEqual(["expiresAt", "location", "sku", "units"]);
    const tooMany = await callAction(harness, action, "/app/holds", { intent: "create", sku: "RING-7", location: "Soho store", units: "4", expiresAt: tomorrow(), note: "" });
    expect(tooMany.data.problems).toEqual([{ path: "units", message: "only 3 available for sale at Soho store" }]);
    expect(await prisma.cartHold.count()).toBe(0);
  });

  it("a customer hold lowers every channel until it is released", async () => {
    const reach = "pool 8 at Warehouse; Brooklyn store and Soho store do not fulfil online orders";
    const before = [
      ["marketplace", 8, [reach]],
      ["online_store", 8, [reach]],
      ["point_of_sale", 12, []],
      ["wholesale", 8, [reach]],
    ];
    expect(await ring7Channels()).toEqual(before);

    const created = await callAction(harness, action, "/app/holds", { intent: "create", sku: "RING-7", location: "Soho store", units: "2", expiresAt: tomorrow(), note: "Ring for Ms. Lee, Friday" });
    expect(created.data).toMatchObject({ ok: true });
    await harness.settle();
    const held = "2 units held for a customer hold";
    expect(await ring7Channels()).toEqual([
      ["marketplace", 6, [reach, held]],
      ["online_store", 6, [reach, held]],
      ["point_of_sale", 10, [held]],
      ["wholesale", 6, [reach, held]],
    ]);
    const page = await callLoader(harness, loader, "/app/holds");
    expect(page.data.holds).toHaveLength(1);
    expect(page.data.holds[0]).toMatchObject({ kind: "customer", sku: "RING-7", units: 2, location: "Soho store", note: "Ring for Ms. Lee, Friday" });
    expect(page.data.holds[0].timeLeft).toMatch(/^(23\.\d|24) h left$/);

    const later = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);
    expect((await callAction(harness, action, "/app/holds", { intent: "extend", id: created.data.id, expiresAt: later })).data).toMatchObject({ ok: true });
    expect((await callLoader(harness, loader, "/app/holds")).data.holds[0].timeLeft).toMatch(/days left$/);

    expect((await callAction(harness, action, "/app/holds", { intent: "release", id: created.data.id })).data).toMatchObject({ ok: true });
    await harness.settle();
    expect(await ring7Channels()).toEqual(before);
    expect(await prisma.auditEntry.count({ where: { subject: "customer_hold" } })).toBe(3);
    expect((await callAction(harness, action, "/app/holds", { intent: "release", id: created.data.id })).status).toBe(422);
  });
});
