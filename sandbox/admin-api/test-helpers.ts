/** Helpers for the emulator's own tests (and for other sandbox tests that want them). */
import { SANDBOX_ADMIN_TOKEN } from "../contract.js";
import type { EmulatorEvent } from "../contract.js";
import { createManualClock, type ManualClock } from "../shop/clock.js";
import { createShopEmulator, type SandboxShopEmulator, type ShopEmulatorOptions } from "./emulator.js";

export interface TestShop {
  shop: SandboxShopEmulator;
  clock: ManualClock;
  events: EmulatorEvent[];
  /** Run a query with the admin token; returns the response body. */
  gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: any; extensions?: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  variantBySku(sku: string): { variantId: string; itemId: string };
  location(name: string): string;
  level(sku: string, locationName: string): Record<string, number>;
}

export function testShop(options: ShopEmulatorOptions = {}): TestShop {
  const clock = createManualClock();
  const shop = createShopEmulator({ clock, ...options });
  const events: EmulatorEvent[] = [];
  shop.onEvent((e) => events.push(e));
  const self: TestShop = {
    shop,
    clock,
    events,
    async gql(query, variables) {
      const res = await shop.graphql({ query, variables }, SANDBOX_ADMIN_TOKEN);
      return JSON.parse(JSON.stringify(res.body));
    },
    variantBySku(sku) {
      const v = [...shop.state.variants.values()].find((x) => x.sku === sku);
      if (!v) throw new Error(`no variant ${sku}`);
      return { variantId: v.id, itemId: v.inventoryItemId };
    },
    location(name) {
      const l = [...shop.state.locations.values()].find((x) => x.name === name);
      if (!l) throw new Error(`no location ${name}`);
      return l.id;
    },
    level(sku, locationName) {
      const { itemId } = self.variantBySku(sku);
      const lv = shop.state.levels.get(`${itemId}|${self.location(locationName)}`);
      if (!lv) throw new Error("no level");
      return { ...lv.quantities };
    },
  };
  return self;
}

export const SET_MUTATION = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id createdAt reason referenceDocumentUri changes { name delta quantityAfterChange ledgerDocumentUri item { id } location { id } } }
    userErrors { field message code }
  }
}`;

export const ADJUST_MUTATION = `mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id reason changes { name delta ledgerDocumentUri item { id } location { id } } }
    userErrors { field message code }
  }
}`;

export const MOVE_MUTATION = `mutation Move($input: InventoryMoveQuantitiesInput!, $key: String!) {
  inventoryMoveQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta ledgerDocumentUri item { id } } }
    userErrors { field message code }
  }
}`;

export const ORDER_CREATE = `mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name sourceName displayFulfillmentStatus lineItems(first: 5) { nodes { id sku quantity fulfillableQuantity } } }
    userErrors { field message code }
  }
}`;

export const ORDER_CANCEL = `mutation Cancel($orderId: ID!, $restock: Boolean!, $refund: Boolean, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: CUSTOMER, restock: $restock, refund: $refund, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
    userErrors { field message }
  }
}`;
