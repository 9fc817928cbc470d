/**
 * Shopify-side activity for integration tests, made only through the emulated shop's own
 * Admin API (orderCreate, orderCancel, refundCreate, inventoryAdjustQuantities), as a real
 * storefront, POS or ERP would make it.
 */
import { policyDocument, type ModelPolicy } from "../model/reference-model";
import { publishPolicy } from "~/services/policy.server";
import { startHarness, type Harness } from "./harness";

/**
 * The integration tests' policy, as the reference model reads it (tests/model/reference-model.ts):
 * the tests compare the shop with the model, never with the engine.
 */
export const TEST_MODEL_POLICY: ModelPolicy = {
  global: 1,
  forTagAtLocation: { tag: "bestseller", location: "Warehouse", units: 2 },
  display: { sku: "RING-7", location: "Soho store", units: 1 },
  online: { networkMinimum: 1 },
  marketplace: { allocationPercent: 50, pauseBelow: 2 },
  wholesale: { fixedUnits: 5, reserveForHigherTiersBelow: 15 },
};

/** The same policy as the file a merchant publishes (docs/policy.md § 2). */
export const TEST_POLICY = policyDocument(TEST_MODEL_POLICY);

const ORDER_CANCEL = `mutation Cancel($orderId: ID!) {
  orderCancel(orderId: $orderId, reason: CUSTOMER, restock: true, refund: false) {
    orderCancelUserErrors { field message code }
  }
}`;

const REFUND_CREATE = `mutation Refund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id }
    userErrors { field message }
  }
}`;

const ORDER_LINES = `query Lines($id: ID!) { order(id: $id) { lineItems(first: 5) { nodes { id quantity } } } }`;

const ADJUST = `mutation Receive($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    userErrors { field message code }
  }
}`;

export function variantOf(harness: Harness, shop: string, sku: string) {
  const variant = harness.sandbox.shop(shop).snapshot().variants.find((entry) => entry.sku === sku);
  if (!variant) throw new Error(`no variant ${sku} in ${shop}`);
  return variant;
}

export function locationOf(harness: Harness, shop: string, name: string) {
  const location = harness.sandbox.shop(shop).snapshot().locations.find((entry) => entry.name === name);
  if (!location) throw new Error(`no location ${name}`);
  return location;
}

export async function placeOrder(harness: Harness, shop: string, sku: string, quantity: number, sourceName: string) {
  const result = await harness.sandbox.placeOrder(
    { lineItems: [{ variantId: variantOf(harness, shop, sku).id, quantity }], sourceName },
    shop,
  );
  const body = result.body as { data?: { orderCreate?: { order?: { id: string } | null } } };
  return body.data?.orderCreate?.order?.id ?? null;
}

/** A POS sale at a store: created fulfilled at that location. */
export async function posSale(harness: Harness, shop: string, sku: string, store: string) {
  const result = await harness.sandbox.placeOrder(
    {
      lineItems: [{ variantId: variantOf(harness, shop, sku).id, quantity: 1 }],
      sourceName: "pos",
      order: { fulfillment: { locationId: locationOf(harness, shop, store).id } },
    },
    shop,
  );
  return result;
}

export async function cancelOrder(harness: Harness, shop: string, orderId: string) {
  const body = await harness.gql(ORDER_CANCEL, { orderId }, shop);
  if (body.data.orderCancel.orderCancelUserErrors.length) throw new Error(JSON.stringify(body.data.orderCancel));
}

/** Refund an unfulfilled line with restock (the units go back to available). */
export async function refundWithRestock(harness: Harness, shop: string, orderId: string) {
  const lines = await harness.gql(ORDER_LINES, { id: orderId }, shop);
  const line = lines.data.order.lineItems.nodes[0];
  const body = await harness.gql(
    REFUND_CREATE,
    { key: `refund-${orderId}`, input: { orderId, refundLineItems: [{ lineItemId: line.id, quantity: line.quantity, restockType: "CANCEL" }] } },
    shop,
  );
  if (body.data.refundCreate.userErrors.length) throw new Error(JSON.stringify(body.data.refundCreate));
}

/** A purchase order received at a location: `available` goes up. */
export async function receiveStock(harness: Harness, shop: string, sku: string, location: string, units: number) {
  const body = await harness.gql(
    ADJUST,
    {
      key: `receipt-${sku}-${location}-${units}`,
      input: {
        name: "available",
        reason: "received",
        referenceDocumentUri: "https://erp.example/purchase-orders/PO-1001",
        changes: [
          {
            inventoryItemId: variantOf(harness, shop, sku).inventoryItemId,
            locationId: locationOf(harness, shop, location).id,
            delta: units,
            changeFromQuantity: null,
          },
        ],
      },
    },
    shop,
  );
  if (body.data.inventoryAdjustQuantities.userErrors.length) throw new Error(JSON.stringify(body.data.inventoryAdjustQuantities));
}

/** A realistic day: orders on four channels, cancellations, a refund with restock, a POS sale, a receipt. */
export async function realisticDay(harness: Harness, shop: string) {
  const skus = ["RING-7", "RING-6", "NECK-16", "SHIRT-M", "TOTE-NAT", "MUG-WHT", "RING-8", "SHIRT-L"];
  const sources = ["web", "marketplace", "wholesale", "web", "pos"];
  const orders: string[] = [];
  for (let index = 0; index < 16; index++) {
    const id = await placeOrder(harness, shop, skus[index % skus.length], 1 + (index % 2), sources[index % sources.length]);
    if (id) orders.push(id);
  }
  await cancelOrder(harness, shop, orders[1]);
  await cancelOrder(harness, shop, orders[4]);
  await refundWithRestock(harness, shop, orders[2]);
  await posSale(harness, shop, "RING-7", "Soho store");
  await receiveStock(harness, shop, "NECK-16", "Warehouse", 10);
  return orders;
}

/** A shop installed, synced and running `policy` (the model's), settled. */
export async function installedWithPolicy(shop: string, policy: ModelPolicy = TEST_MODEL_POLICY): Promise<Harness> {
  const harness = startHarness({ shops: [shop] });
  await harness.install(shop);
  await harness.settle();
  const published = await publishPolicy(shop, policyDocument(policy), { createdBy: "test" });
  if (!published.ok) throw new Error(`policy not published: ${JSON.stringify(published)}`);
  await harness.settle();
  return harness;
}

/** `POST /sandbox/faults` on the emulator (e.g. `{hangRequests: n}`); answers the faults now set. */
export async function setSandboxFaults(harness: Harness, shop: string, faults: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await harness.sandbox.handle(
    new Request(`https://${shop}/sandbox/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(faults) }),
  );
  if (answer.status !== 200) throw new Error(`POST /sandbox/faults answered ${answer.status}`);
  return (await answer.json()) as Record<string, unknown>;
}
