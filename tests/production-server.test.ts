/**
 * The app as `npm run start` runs it (remix-serve on the built app, its worker inside the web
 * process) against the emulated shop over HTTP, with a catalog above the bulk-read threshold
 * (1,000 variants: app/shopify/inventory.server.ts). Remix-serve installs its own `fetch`, which
 * the route-level tests and benchmarks never meet: under it the bulk download once failed every
 * sync of a large shop (docs/decisions/022).
 */
import { http, passthrough } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { publishPolicy } from "~/services/policy.server";
import type { ShopStateSnapshot } from "../sandbox";
import { buildApp, startSandboxStack, withAppBuildLock, type SandboxStack } from "../sandbox/stack";
import { mswServer } from "./setup/msw";
import { freePort, until } from "./support/processes";

const SHOP = "safestock-sandbox.myshopify.com";
const VARIANTS = 1_500;
const SAFETY_UNITS = 2;

/** What a `safety_stock` rule of `units` at every location leaves in each level (hand-computed, not the engine). */
function protectedLevels(state: ShopStateSnapshot, units: number) {
  return state.inventoryLevels.map((level) => {
    const sellable = level.quantities.on_hand - level.quantities.committed - level.quantities.reserved - level.quantities.damaged - level.quantities.quality_control;
    const safety = Math.max(0, Math.min(units, sellable));
    return { id: level.id, safety_stock: safety, available: sellable - safety };
  });
}
const levelsNow = (state: ShopStateSnapshot) =>
  state.inventoryLevels.map((level) => ({ id: level.id, safety_stock: level.quantities.safety_stock, available: level.quantities.available }));

describe(`the production server (remix-serve) with ${VARIANTS} variants`, () => {
  let stack: SandboxStack | undefined;
  beforeAll(async () => {
    // Real HTTP between this test, the app process and the emulated shop's server.
    mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    const [port, sandboxPort] = [await freePort(), await freePort()];
    stack = await withAppBuildLock(async () => {
      buildApp({ quiet: true });
      return startSandboxStack({
        port,
        sandboxPort,
        // This file's own migrated database: the test publishes through the same service the Policy page uses.
        databaseUrl: process.env.DATABASE_URL!,
        appOutput: "pipe",
        shopFile: null,
        plan: "plus",
        seed: { variants: VARIANTS },
      });
    });
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  const failure = (what: string) => async (error: Error) => {
    const jobs = await prisma.job.findMany({ where: { OR: [{ status: "dead" }, { lastError: { not: null } }] }, select: { queue: true, status: true, lastError: true } });
    throw new Error(`${error.message}: ${what}\njobs with errors: ${JSON.stringify(jobs).slice(0, 2000)}\n--- app output ---\n${stack?.appLog().slice(-3000)}`);
  };

  it("syncs the catalog with a bulk read, then a published policy reaches every level in the shop", async () => {
    mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    const shop = stack!.sandbox.shop(SHOP);
    expect(shop.snapshot().variants).toHaveLength(VARIANTS);

    await until(Date.now() + 180_000, async () => {
      const installation = await prisma.shopInstallation.findUnique({ where: { shop: SHOP } });
      if (installation?.initialSync === "failed") throw new Error(`initial sync failed: ${installation.initialSyncNote}`);
      return installation?.initialSync === "done" ? true : null;
    }).catch(failure("the initial sync did not finish"));
    expect(await prisma.catalogItem.count({ where: { shop: SHOP } })).toBe(VARIANTS);
    expect(await prisma.job.count({ where: { status: "dead" } })).toBe(0);

    const before = shop.snapshot();
    const wanted = protectedLevels(before, SAFETY_UNITS);
    // Not vacuous: most levels change.
    expect(wanted.filter((level, index) => level.safety_stock !== before.inventoryLevels[index]!.quantities.safety_stock).length).toBeGreaterThan(VARIANTS);
    const published = await publishPolicy(SHOP, { version: 1, protection: [{ kind: "safety_stock", units: SAFETY_UNITS }] }, { createdBy: "test" });
    expect(published).toMatchObject({ ok: true });

    // The web process's own worker re-plans (another bulk read) and writes.
    await until(Date.now() + 180_000, async () => (JSON.stringify(levelsNow(shop.snapshot())) === JSON.stringify(wanted) ? true : null)).catch(
      failure("the shop's levels did not reach the policy's values"),
    );
    expect(levelsNow(shop.snapshot())).toEqual(wanted);
    expect(await prisma.job.count({ where: { status: "dead" } })).toBe(0);
    // Stopped here, while real HTTP still passes through msw (handlers reset after each test).
    await stack!.stop();
  }, 420_000);
});
