/**
 * The pages show times in the shop's own time zone (Shopify's `Shop.ianaTimezone`,
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/Shop#field-ianaTimezone), with the
 * zone's short name, not in UTC. The emulated shop is set to Europe/Paris here (UTC+1 in winter,
 * UTC+2 in summer; Intl's en-US short names for it are "GMT+1" and "GMT+2"). Expected texts are
 * hand-converted from the UTC instants written into the database.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loader as activityLoader } from "~/routes/app.activity";
import { action as holdsAction, loader as holdsLoader } from "~/routes/app.holds";
import { loader as inventoryLoader } from "~/routes/app.inventory";
import { loader as policyLoader } from "~/routes/app.policy";
import { loader as rulesLoader } from "~/routes/app.rules";
import { loader as syncLoader } from "~/routes/app.sync";
import { publishPolicy } from "~/services/policy.server";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";

let harness: Harness;

beforeAll(async () => {
  harness = startHarness({ timeZone: "Europe/Paris" });
  await harness.install();
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

describe("times in the shop's time zone", () => {
  it("Activity writes a change's time in the shop's zone, summer time included", async () => {
    // 2026-07-04 16:30 UTC is 18:30 in Paris (summer time, UTC+2).
    await prisma.auditEntry.create({
      data: { shop: SANDBOX_SHOP_DOMAIN, subject: "safety_stock", sku: "TZ-PROBE", before: 0, after: 2, reason: "time zone probe", actor: "merchant", createdAt: new Date("2026-07-04T16:30:00Z") },
    });
    const page = await callLoader(harness, activityLoader, "/app/activity?sku=TZ-PROBE");
    expect(page.status).toBe(200);
    expect(page.data.entries.map((entry: { at: string }) => entry.at)).toEqual(["Jul 4, 2026, 6:30 PM GMT+2"]);
  });

  it("Policy versions and Sync's last reconciliation are in the shop's zone too", async () => {
    const published = await publishPolicy(SANDBOX_SHOP_DOMAIN, { version: 1, protection: [], channels: [] }, { createdBy: "test" });
    if (!published.ok) throw new Error(JSON.stringify(published.problems));
    await harness.settle();
    // 2026-12-06 13:05 UTC is 14:05 in Paris (winter time, UTC+1).
    const at = new Date("2026-12-06T13:05:00Z");
    await prisma.policyVersion.updateMany({ where: { shop: SANDBOX_SHOP_DOMAIN }, data: { createdAt: at } });
    await prisma.shopInstallation.update({ where: { shop: SANDBOX_SHOP_DOMAIN }, data: { lastReconcileAt: at } });

    const policy = await callLoader(harness, policyLoader, "/app/policy");
    expect(policy.data.versions.map((version: { createdAt: string }) => version.createdAt)).toEqual(["Dec 6, 2026, 2:05 PM GMT+1"]);
    const sync = await callLoader(harness, syncLoader, "/app/sync");
    expect(sync.data.lastReconcileAt).toBe("Dec 6, 2026, 2:05 PM GMT+1");
  });

  it("Holds takes the end time on the shop's wall clock and shows it back the same way", async () => {
    // 18:30 on 2030-07-04 in Paris (summer time, UTC+2) is 16:30 UTC.
    const created = await callAction(harness, holdsAction, "/app/holds", { intent: "create", sku: "RING-7", location: "Warehouse", units: "1", expiresAt: "2030-07-04T18:30", note: "" });
    expect(created.data).toMatchObject({ ok: true });
    const hold = await prisma.cartHold.findFirstOrThrow({ where: { id: created.data.id } });
    expect(hold.expiresAt.toISOString()).toBe("2030-07-04T16:30:00.000Z");

    const page = await callLoader(harness, holdsLoader, "/app/holds");
    // The field is labelled with the zone's short name today (the test runs in any season).
    expect(page.data.timeZoneName).toMatch(/^GMT\+[12]$/);
    expect(page.data.holds[0]).toMatchObject({ expiresAt: "Jul 4, 2030, 6:30 PM GMT+2", expiresAtLocal: "2030-07-04T18:30" });
  });

  it("a quarantine's release waves: the Rules editor is handed the shop's zone, the Policy page names them on its wall clock", async () => {
    // The stored instant stays UTC: 16:30 UTC on 2030-07-04 is 18:30 in Paris (summer time, UTC+2).
    const published = await publishPolicy(SANDBOX_SHOP_DOMAIN, { version: 1, protection: [{ kind: "quarantine", skus: ["RING-7"], units: 2, releases: [{ at: "2030-07-04T16:30:00Z", units: 2 }] }], channels: [] }, { createdBy: "test" });
    if (!published.ok) throw new Error(JSON.stringify(published.problems));
    await harness.settle();

    const rules = await callLoader(harness, rulesLoader, "/app/rules");
    expect(rules.data.timeZone).toBe("Europe/Paris");
    const policy = await callLoader(harness, policyLoader, "/app/policy");
    expect(policy.data.current.rules[0].units).toBe("2 units each; released 2 on Jul 4, 2030, 6:30 PM GMT+2");
    // Inventory's reason for the withheld units names the same wave on the same clock, not in UTC.
    const inventory = await callLoader(harness, inventoryLoader, "/app/inventory?q=RING-7");
    const reasons = inventory.data.items.flatMap((item: { levels: { explain: string[] }[] }) => item.levels.flatMap((level) => level.explain));
    expect(reasons.filter((reason: string) => reason.includes("promotion")).map((reason: string) => reason.replace(/^\d+ units? /, ""))).toEqual(
      expect.arrayContaining(["withheld for a promotion (2 held across locations; next 2 released Jul 4, 2030, 6:30 PM GMT+2)"]),
    );
    expect(reasons.join(" ")).not.toContain("2030-07-04T");
  });
});
