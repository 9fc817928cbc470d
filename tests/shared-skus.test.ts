/**
 * SKUs several variants share, and blank SKUs (docs/decisions/020, docs/policy.md "Identity:
 * inventory item, not SKU"): a SKU rule applies to every variant carrying the SKU, so the
 * merchant is told when they pick or import one, and a blank SKU is never offered nor accepted.
 * The shop is the sandbox's seed (RING-6, RING-7, RING-8… one variant each) plus a Tee whose three
 * variants all carry TEE and a Sticker whose two variants have no SKU (tests/support/twins-shop.ts).
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loader as catalogSearch } from "~/routes/app.catalog-search";
import { loader as rulesLoader } from "~/routes/app.rules";
import { action as importAction } from "~/routes/app.rules_.import";
import { publishPolicy } from "~/services/policy.server";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";
import { twinsShopFactory, twinVariant, type TwinProduct } from "./support/twins-shop";

const PRODUCTS: TwinProduct[] = [
  {
    title: "Tee",
    variants: [
      { title: "Blue", sku: "TEE", available: [10, 0, 0] },
      { title: "Navy", sku: "TEE", available: [5, 0, 0] },
      { title: "Red", sku: "TEE", available: [3, 0, 0] },
    ],
  },
  {
    title: "Sticker",
    variants: [
      { title: "Round", sku: "", available: [6, 0, 0] },
      { title: "Square", sku: "", available: [3, 0, 0] },
    ],
  },
];
const HEADER = "kind,applies_to,value,location,units";
const TEE_NOTE = "SKU TEE is shared by 3 variants: the rule applies to all of them";

let harness: Harness;

beforeAll(async () => {
  harness = startHarness({ createShop: twinsShopFactory(PRODUCTS, "default") });
  await harness.install();
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

describe("shared SKUs", () => {
  it("a SKU rule protects every variant carrying the SKU, each at its own stock", async () => {
    const published = await publishPolicy(SANDBOX_SHOP_DOMAIN, { version: 1, protection: [{ kind: "safety_stock", sku: "TEE", location: "Warehouse", units: 2 }], channels: [] }, { createdBy: "test" });
    expect(published.ok).toBe(true);
    await harness.settle();
    const state = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot();
    const warehouse = state.locations.find((location) => location.name === "Warehouse")!;
    const safetyStock = (title: string) => {
      const variant = twinVariant(state, "Tee", title);
      return state.inventoryLevels.find((level) => level.inventoryItemId === variant.inventoryItemId && level.locationId === warehouse.id)!.quantities.safety_stock;
    };
    expect(["Blue", "Navy", "Red"].map(safetyStock)).toEqual([2, 2, 2]);
  });

  it("the SKU picker says how many variants share a SKU, and never offers a blank one", async () => {
    const tee = await callLoader(harness, catalogSearch, "/app/catalog-search?kind=sku&q=TEE");
    expect(tee.data).toEqual({ matches: ["TEE"], sharedBy: { TEE: 3 } });
    const ring = await callLoader(harness, catalogSearch, "/app/catalog-search?kind=sku&q=RING-7");
    expect(ring.data).toEqual({ matches: ["RING-7"], sharedBy: {} });
    // Nothing typed yet: the first SKUs of the catalog, the blank one of the stickers not among them.
    const first = await callLoader(harness, catalogSearch, "/app/catalog-search?kind=sku&q=");
    expect(first.data.matches.length).toBeGreaterThan(0);
    expect(first.data.matches).not.toContain("");
  });

  it("a CSV import refused for another row notes the shared SKU of a good row, as a note, not a problem", async () => {
    const csv = [HEADER, "safety_stock,sku,TEE,Soho store,4", "safety_stock,sku,RING-7,Mars,1"].join("\n");
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([{ row: 3, message: 'location: unknown location "Mars"' }]);
    expect(refused.data.notes).toEqual([{ row: 2, sku: "TEE", message: TEE_NOTE }]);
  });

  it("refuses an empty SKU with a way out", async () => {
    const refused = await callAction(harness, importAction, "/app/rules/import", { csv: [HEADER, "safety_stock,sku,,Warehouse,4"].join("\n") });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([{ row: 2, message: "value: is empty; a variant without a SKU cannot be named by SKU: give it a SKU in Shopify, or use applies_to product or tag" }]);
  });

  it("a CSV import of a shared SKU says so on Rules, and the editor knows which SKUs are shared", async () => {
    const csv = [HEADER, "safety_stock,sku,TEE,Brooklyn store,1", "safety_stock,sku,RING-7,Brooklyn store,1"].join("\n");
    const imported = await callAction(harness, importAction, "/app/rules/import", { csv });
    expect(imported.status).toBe(302);
    expect(imported.location).toBe("/app/rules?imported=2&shared=TEE");
    const rules = await callLoader(harness, rulesLoader, imported.location!);
    expect(rules.data.importNotes).toEqual([TEE_NOTE]);
    // Every shared SKU the draft names (the published TEE rule is in the draft too), not RING-7.
    expect(rules.data.sharedSkus).toEqual({ TEE: 3 });
    // An address naming a SKU no variant shares notes nothing.
    expect((await callLoader(harness, rulesLoader, "/app/rules?imported=1&shared=RING-7")).data.importNotes).toEqual([]);
  });
});
