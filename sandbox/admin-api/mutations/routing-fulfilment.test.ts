/**
 * Order routing, fulfilment, transfers, locations and levels, against hand-computed expectations
 * from the default seed (Warehouse fulfils online orders; Soho and Brooklyn stores do not):
 * RING-6 [12,2,0], RING-7 [8,3,1], RING-8 [0,1,0], NECK-16 [20,4,4].
 */
import { describe, expect, it } from "vitest";
import { eventToWebhook } from "../../webhooks/payloads.js";

/** A fresh `@idempotent` key per request (required from 2026-04 on activate, transfers and shipments). */
let keys = 0;
const nextKey = () => `key-${++keys}`;
import { ADJUST_MUTATION, MOVE_MUTATION, ORDER_CREATE, testShop, type TestShop } from "../test-helpers.js";

const IGNORING = { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" };

const ORDER_WITH_FOS = `mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id fulfillmentOrders(first: 5) { nodes { id status assignedLocation { name location { id } } lineItems(first: 5) { nodes { id totalQuantity remainingQuantity sku } } } } }
    userErrors { field message }
  }
}`;

const FULFIL = `mutation($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status displayStatus totalQuantity fulfillmentLineItems(first: 5) { nodes { quantity lineItem { sku } } } }
    userErrors { field message }
  }
}`;

const LOCATION_EDIT = `mutation($id: ID!, $input: LocationEditInput!) {
  locationEdit(id: $id, input: $input) { location { id fulfillsOnlineOrders } userErrors { field message code } }
}`;

async function makeOnline(t: TestShop, name: string) {
  const res = await t.gql(LOCATION_EDIT, { id: t.location(name), input: { fulfillsOnlineOrders: true } });
  expect(res.data.locationEdit.userErrors).toEqual([]);
}

async function order(t: TestShop, lineItems: { sku: string; quantity: number }[], extra: Record<string, unknown> = {}) {
  const res = await t.gql(ORDER_WITH_FOS, { order: { lineItems: lineItems.map((l) => ({ variantId: t.variantBySku(l.sku).variantId, quantity: l.quantity })), ...extra }, options: IGNORING });
  expect(res.data.orderCreate.userErrors).toEqual([]);
  return res.data.orderCreate.order as { id: string; fulfillmentOrders: { nodes: { id: string; status: string; assignedLocation: { name: string }; lineItems: { nodes: { id: string; totalQuantity: number; remainingQuantity: number; sku: string }[] } }[] } };
}

describe("default order routing (help.shopify.com/en/manual/fulfillment/setup/order-routing/understanding-order-routing)", () => {
  it("an online order never routes to a store that does not fulfil online orders, even when only the store has stock", async () => {
    const t = testShop();
    // RING-8: Warehouse 0, Soho 1 — Soho does not fulfil online orders (LocationEditInput.fulfillsOnlineOrders).
    const o = await order(t, [{ sku: "RING-8", quantity: 1 }], { sourceName: "web" });
    expect(o.fulfillmentOrders.nodes.map((fo) => fo.assignedLocation.name)).toEqual(["Warehouse"]);
    expect(t.level("RING-8", "Warehouse")).toMatchObject({ available: -1, committed: 1, on_hand: 0 });
    expect(t.level("RING-8", "Soho store")).toMatchObject({ available: 1, committed: 0 });
  });

  it("splits a line no single location can fill: the order commits at two locations, one fulfillment order each", async () => {
    const t = testShop();
    await makeOnline(t, "Soho store");
    // NECK-16 × 22: Warehouse has 20, Soho 4 → 20 from the Warehouse, 2 from Soho.
    const o = await order(t, [{ sku: "NECK-16", quantity: 22 }]);
    expect(t.level("NECK-16", "Warehouse")).toMatchObject({ available: 0, committed: 20, on_hand: 20 });
    expect(t.level("NECK-16", "Soho store")).toMatchObject({ available: 2, committed: 2, on_hand: 4 });
    expect(t.level("NECK-16", "Brooklyn store")).toMatchObject({ available: 4, committed: 0 });
    expect(o.fulfillmentOrders.nodes.map((fo) => [fo.assignedLocation.name, fo.lineItems.nodes.map((l) => l.totalQuantity)])).toEqual([
      ["Warehouse", [20]],
      ["Soho store", [2]],
    ]);
  });

  it("prefers one location that fills the whole order over location order (rule 1, minimize split fulfillments)", async () => {
    const t = testShop();
    await makeOnline(t, "Soho store");
    // RING-7 × 2 (Warehouse 8, Soho 3) + RING-8 × 1 (Warehouse 0, Soho 1): only Soho fills both.
    const o = await order(t, [{ sku: "RING-7", quantity: 2 }, { sku: "RING-8", quantity: 1 }]);
    expect(o.fulfillmentOrders.nodes).toHaveLength(1);
    expect(o.fulfillmentOrders.nodes[0]!.assignedLocation.name).toBe("Soho store");
    expect(t.level("RING-7", "Soho store")).toMatchObject({ available: 1, committed: 2 });
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available: 8, committed: 0 });
  });

  it("a POS sale sells at its named store, online or not", async () => {
    const t = testShop();
    const o = await order(t, [{ sku: "NECK-16", quantity: 3 }], { sourceName: "pos", fulfillment: { locationId: t.location("Brooklyn store") } });
    expect(o.fulfillmentOrders.nodes[0]!.assignedLocation.name).toBe("Brooklyn store");
    expect(t.level("NECK-16", "Brooklyn store")).toMatchObject({ available: 1, committed: 0, on_hand: 1 });
    expect(t.level("NECK-16", "Warehouse")).toMatchObject({ available: 20, committed: 0 });
  });
});

describe("fulfillmentCreate (recorded: draft-proxy 2026-04/orders/fulfillment-create-*.json)", () => {
  it("takes fulfilled units out of committed and on_hand; orders/fulfilled only once nothing is left", async () => {
    const t = testShop();
    const o = await order(t, [{ sku: "NECK-16", quantity: 4 }]);
    const fo = o.fulfillmentOrders.nodes[0]!;
    const line = fo.lineItems.nodes[0]!;
    t.events.length = 0;
    const first = await t.gql(FULFIL, { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: line.id, quantity: 3 }] }], trackingInfo: { number: "1Z", company: "UPS" } } });
    expect(first.data.fulfillmentCreate.userErrors).toEqual([]);
    expect(first.data.fulfillmentCreate.fulfillment).toMatchObject({ status: "SUCCESS", displayStatus: "FULFILLED", totalQuantity: 3 });
    expect(t.level("NECK-16", "Warehouse")).toMatchObject({ available: 16, committed: 1, on_hand: 17 });
    expect(t.events.map((e) => e.type)).toEqual(["inventory_level.updated", "fulfillment.created", "order.updated"]);
    const payload = eventToWebhook(t.events[1]!, t.shop.domain);
    expect(payload.topic).toBe("fulfillments/create");
    expect(payload.payload).toMatchObject({ status: "success", tracking_number: "1Z", line_items: [expect.objectContaining({ quantity: 3, sku: "NECK-16" })] });

    const over = await t.gql(FULFIL, { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: line.id, quantity: 2 }] }] } });
    expect(over.data.fulfillmentCreate).toEqual({ fulfillment: null, userErrors: [{ field: ["fulfillment"], message: "Invalid fulfillment order line item quantity requested." }] });
    const zero = await t.gql(FULFIL, { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: line.id, quantity: 0 }] }] } });
    expect(zero.data.fulfillmentCreate.userErrors).toEqual([{ field: ["fulfillment", "lineItemsByFulfillmentOrder", "0", "fulfillmentOrderLineItems", "0", "quantity"], message: "Quantity must be greater than 0" }]);

    t.events.length = 0;
    // Blank line list: every remaining unit of the fulfillment order.
    const rest = await t.gql(FULFIL, { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] } });
    expect(rest.data.fulfillmentCreate.fulfillment.totalQuantity).toBe(1);
    expect(t.level("NECK-16", "Warehouse")).toMatchObject({ available: 16, committed: 0, on_hand: 16 });
    expect(t.events.map((e) => e.type)).toEqual(["inventory_level.updated", "fulfillment.created", "order.fulfilled", "order.updated"]);
    const closed = await t.gql(FULFIL, { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] } });
    const foLegacy = fo.id.split("/").pop();
    expect(closed.data.fulfillmentCreate.userErrors).toEqual([{ field: ["fulfillment"], message: `Fulfillment order ${foLegacy} has an unfulfillable status= closed.` }]);
    const unknown = await t.gql(FULFIL, { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: "gid://shopify/FulfillmentOrder/1" }] } });
    expect(unknown.data.fulfillmentCreate.userErrors).toEqual([{ field: ["fulfillment"], message: "Fulfillment order does not exist." }]);
  });

  it("refuses fulfillment orders at two locations in one fulfillment (recorded message)", async () => {
    const t = testShop();
    await makeOnline(t, "Soho store");
    const o = await order(t, [{ sku: "NECK-16", quantity: 22 }]);
    const [wh, soho] = o.fulfillmentOrders.nodes;
    const res = await t.gql(FULFIL, { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: wh!.id }, { fulfillmentOrderId: soho!.id }] } });
    const ids = [t.location("Warehouse"), t.location("Soho store")].map((id) => id.split("/").pop()).join(", ");
    expect(res.data.fulfillmentCreate.userErrors).toEqual([{ field: ["fulfillment"], message: `All fulfillment orders must be assigned to a single location. Multiple locations with ids [${ids}] were found.` }]);
    expect(t.level("NECK-16", "Soho store")).toMatchObject({ committed: 2 });
  });
});

describe("transfers: ready to ship → in transit → received (docs/decisions/016 §9 Transfers)", () => {
  const READY = `mutation($input: InventoryTransferCreateAsReadyToShipInput!, $key: String!) { inventoryTransferCreateAsReadyToShip(input: $input) @idempotent(key: $key) { inventoryTransfer { id status totalQuantity } userErrors { field message code } } }`;
  const SHIP = `mutation($input: InventoryShipmentCreateInput!, $key: String!) { inventoryShipmentCreateInTransit(input: $input) @idempotent(key: $key) { inventoryShipment { id status lineItems(first: 5) { nodes { id quantity unreceivedQuantity } } } userErrors { field message code } } }`;
  const RECEIVE = `mutation($id: ID!, $lineItems: [InventoryShipmentReceiveItemInput!], $key: String!) { inventoryShipmentReceive(id: $id, lineItems: $lineItems) @idempotent(key: $key) { inventoryShipment { status totalAcceptedQuantity totalRejectedQuantity } userErrors { field message code } } }`;

  it("moves origin available → reserved → gone, destination incoming → available, with inventory_levels/update each step", async () => {
    const t = testShop();
    const item = t.variantBySku("RING-6").itemId;
    const ready = await t.gql(READY, { key: nextKey(), input: { originLocationId: t.location("Warehouse"), destinationLocationId: t.location("Soho store"), lineItems: [{ inventoryItemId: item, quantity: 5 }] } });
    expect(ready.data.inventoryTransferCreateAsReadyToShip).toMatchObject({ inventoryTransfer: { status: "READY_TO_SHIP", totalQuantity: 5 }, userErrors: [] });
    expect(t.level("RING-6", "Warehouse")).toMatchObject({ available: 7, reserved: 5, on_hand: 12 });

    t.events.length = 0;
    const ship = await t.gql(SHIP, { key: nextKey(), input: { movementId: ready.data.inventoryTransferCreateAsReadyToShip.inventoryTransfer.id, lineItems: [{ inventoryItemId: item, quantity: 5 }] } });
    expect(ship.data.inventoryShipmentCreateInTransit.userErrors).toEqual([]);
    expect(t.level("RING-6", "Warehouse")).toMatchObject({ available: 7, reserved: 0, on_hand: 7 });
    expect(t.level("RING-6", "Soho store")).toMatchObject({ available: 2, incoming: 5, on_hand: 2 });
    expect(t.events.map((e) => e.type)).toEqual(["inventory_level.updated", "inventory_level.updated"]);

    const shipment = ship.data.inventoryShipmentCreateInTransit.inventoryShipment;
    const lineId = shipment.lineItems.nodes[0].id;
    const tooMany = await t.gql(RECEIVE, { key: nextKey(), id: shipment.id, lineItems: [{ shipmentLineItemId: lineId, quantity: 6, reason: "ACCEPTED" }] });
    expect(tooMany.data.inventoryShipmentReceive.userErrors).toEqual([{ field: ["lineItems", "0", "quantity"], message: "The quantity is invalid.", code: "INVALID_QUANTITY" }]);
    const received = await t.gql(RECEIVE, { key: nextKey(), id: shipment.id, lineItems: [{ shipmentLineItemId: lineId, quantity: 4, reason: "ACCEPTED" }, { shipmentLineItemId: lineId, quantity: 1, reason: "REJECTED" }] });
    expect(received.data.inventoryShipmentReceive).toEqual({ inventoryShipment: { status: "RECEIVED", totalAcceptedQuantity: 4, totalRejectedQuantity: 1 }, userErrors: [] });
    expect(t.level("RING-6", "Soho store")).toMatchObject({ available: 6, incoming: 0, on_hand: 6 });
    const status = await t.gql(`query($id: ID!) { inventoryTransfer(id: $id) { status receivedQuantity } }`, { id: ready.data.inventoryTransferCreateAsReadyToShip.inventoryTransfer.id });
    expect(status.data.inventoryTransfer).toEqual({ status: "TRANSFERRED", receivedQuantity: 5 });
    const last = t.events.at(-1)!;
    expect(eventToWebhook(last, t.shop.domain)).toMatchObject({ topic: "inventory_levels/update", payload: { available: 6 } });
  });

  it("refuses the same origin and destination with the 2026-10 enum message", async () => {
    const t = testShop();
    const res = await t.gql(READY, { key: nextKey(), input: { originLocationId: t.location("Warehouse"), destinationLocationId: t.location("Warehouse"), lineItems: [{ inventoryItemId: t.variantBySku("RING-6").itemId, quantity: 1 }] } });
    expect(res.data.inventoryTransferCreateAsReadyToShip.userErrors).toEqual([
      { field: ["input", "destinationLocationId"], message: "The origin location cannot be the same as the destination location.", code: "TRANSFER_ORIGIN_CANNOT_BE_THE_SAME_AS_DESTINATION" },
    ]);
    expect(t.level("RING-6", "Warehouse")).toMatchObject({ available: 12, reserved: 0 });
  });
});

describe("locationEdit (recorded: draft-proxy 2026-04/store-properties/location-edit-fields-and-state-machine.json)", () => {
  it("toggles fulfillsOnlineOrders, fires locations/update, and refuses to turn off the only online location", async () => {
    const t = testShop();
    await makeOnline(t, "Soho store");
    const updated = t.events.find((e) => e.type === "location.updated")!;
    expect(eventToWebhook(updated, t.shop.domain)).toMatchObject({ topic: "locations/update", payload: { name: "Soho store" } });
    expect(t.shop.state.locations.get(t.location("Soho store"))!.fulfillsOnlineOrders).toBe(true);

    const offWh = await t.gql(LOCATION_EDIT, { id: t.location("Warehouse"), input: { fulfillsOnlineOrders: false } });
    expect(offWh.data.locationEdit.userErrors).toEqual([]);
    t.events.length = 0;
    const offSoho = await t.gql(LOCATION_EDIT, { id: t.location("Soho store"), input: { fulfillsOnlineOrders: false } });
    expect(offSoho.data.locationEdit).toEqual({
      location: null,
      userErrors: [{ field: ["input"], message: "Online order fulfillment could not be disabled for this location as it is the only location that fulfills online orders.", code: "CANNOT_DISABLE_ONLINE_ORDER_FULFILLMENT" }],
    });
    expect(t.events).toEqual([]);
    // Routing follows the setting: online orders now go to Soho.
    const o = await order(t, [{ sku: "RING-6", quantity: 1 }]);
    expect(o.fulfillmentOrders.nodes[0]!.assignedLocation.name).toBe("Soho store");
  });
});

describe("inventoryActivate / inventoryDeactivate (docs/decisions/016 §7)", () => {
  const ACTIVATE = `mutation($item: ID!, $loc: ID!, $available: Int, $onHand: Int, $key: String!) { inventoryActivate(inventoryItemId: $item, locationId: $loc, available: $available, onHand: $onHand) @idempotent(key: $key) { inventoryLevel { id isActive quantities(names: ["available", "on_hand"]) { name quantity } } userErrors { field message } } }`;
  const DEACTIVATE = `mutation($id: ID!) { inventoryDeactivate(inventoryLevelId: $id) { userErrors { field message } } }`;

  it("deactivates with stock (level kept, inactive, out of inventoryQuantity) and reactivates the same level", async () => {
    const t = testShop();
    const { itemId, variantId } = t.variantBySku("RING-7");
    const soho = t.shop.state.levels.get(`${itemId}|${t.location("Soho store")}`)!;
    const res = await t.gql(DEACTIVATE, { id: soho.id });
    expect(res.data.inventoryDeactivate.userErrors).toEqual([]);
    expect(soho).toMatchObject({ isActive: false, quantities: expect.objectContaining({ available: 3, on_hand: 3 }) });
    expect(eventToWebhook(t.events.at(-1)!, t.shop.domain)).toMatchObject({ topic: "inventory_levels/disconnect" });
    const qty = await t.gql(`query($id: ID!) { productVariant(id: $id) { inventoryQuantity } }`, { id: variantId });
    expect(qty.data.productVariant.inventoryQuantity).toBe(8 + 1);

    const again = await t.gql(ACTIVATE, { key: nextKey(), item: itemId, loc: t.location("Soho store") });
    expect(again.data.inventoryActivate).toMatchObject({ inventoryLevel: { id: soho.id, isActive: true }, userErrors: [] });
    expect(eventToWebhook(t.events.at(-1)!, t.shop.domain)).toMatchObject({ topic: "inventory_levels/connect", payload: { available: 3 } });

    const active = await t.gql(ACTIVATE, { key: nextKey(), item: itemId, loc: t.location("Soho store"), available: 4 });
    expect(active.data.inventoryActivate.userErrors).toEqual([{ field: ["available"], message: "Not allowed to set available quantity when the item is already active at the location." }]);
    expect(active.data.inventoryActivate.inventoryLevel.id).toBe(soho.id);
    const both = await t.gql(ACTIVATE, { key: nextKey(), item: itemId, loc: t.location("Soho store"), available: 1, onHand: 1 });
    const message = "The product couldn't be stocked at Soho store because not allowed to set available and on_hand quantities at the same time.";
    expect(both.data.inventoryActivate).toEqual({ inventoryLevel: null, userErrors: [{ field: ["available"], message }, { field: ["onHand"], message }] });
  });

  it("refuses to unstock the last active level, with the location's name", async () => {
    const t = testShop();
    const { itemId } = t.variantBySku("RING-7");
    for (const name of ["Soho store", "Brooklyn store"]) {
      await t.gql(DEACTIVATE, { id: t.shop.state.levels.get(`${itemId}|${t.location(name)}`)!.id });
    }
    const last = await t.gql(DEACTIVATE, { id: t.shop.state.levels.get(`${itemId}|${t.location("Warehouse")}`)!.id });
    expect(last.data.inventoryDeactivate.userErrors).toEqual([{ field: null, message: "The product couldn't be unstocked from Warehouse because products need to be stocked at a minimum of 1 location." }]);
  });
});

describe("idempotency and ledger documents (2026-10 enum descriptions; nothing captured)", () => {
  it("a key whose first attempt failed answers IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED and runs nothing", async () => {
    const t = testShop();
    const { itemId } = t.variantBySku("RING-7");
    const input = { name: "available", reason: "not-a-reason", changes: [{ inventoryItemId: itemId, locationId: t.location("Warehouse"), delta: 1, changeFromQuantity: 8 }] };
    const first = await t.gql(ADJUST_MUTATION, { key: "k1", input });
    expect(first.data.inventoryAdjustQuantities.userErrors[0].code).toBe("INVALID_REASON");
    const retry = await t.gql(ADJUST_MUTATION, { key: "k1", input });
    expect(retry.data.inventoryAdjustQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ field: null, code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", message: "A previous request with this idempotency key failed. Retry with a new idempotency key." }],
    });
    const fresh = await t.gql(ADJUST_MUTATION, { key: "k2", input: { ...input, reason: "correction" } });
    expect(fresh.data.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(t.level("RING-7", "Warehouse")).toMatchObject({ available: 9 });
  });

  it("a move may carry two ledger document URIs, not three (MAXIMUM_LEDGER_DOCUMENT_URIS)", async () => {
    const t = testShop();
    const { itemId } = t.variantBySku("NECK-16");
    const wh = t.location("Warehouse");
    const move = (from: string, to: string, fromUri: string, toUri: string) => ({
      inventoryItemId: itemId,
      quantity: 1,
      from: { locationId: wh, name: from, changeFromQuantity: null, ledgerDocumentUri: fromUri },
      to: { locationId: wh, name: to, changeFromQuantity: null, ledgerDocumentUri: toUri },
    });
    await t.gql(ADJUST_MUTATION, { key: "d", input: { name: "damaged", reason: "damaged", changes: [{ inventoryItemId: itemId, locationId: wh, delta: 3, changeFromQuantity: 0, ledgerDocumentUri: "gid://erp/Ledger/1" }] } });
    const two = await t.gql(MOVE_MUTATION, { key: "m1", input: { reason: "correction", referenceDocumentUri: "gid://erp/Doc/1", changes: [move("damaged", "quality_control", "gid://erp/Ledger/1", "gid://erp/Ledger/2")] } });
    expect(two.data.inventoryMoveQuantities.userErrors).toEqual([]);
    const three = await t.gql(MOVE_MUTATION, {
      key: "m2",
      input: { reason: "correction", referenceDocumentUri: "gid://erp/Doc/1", changes: [move("damaged", "quality_control", "gid://erp/Ledger/1", "gid://erp/Ledger/2"), move("damaged", "quality_control", "gid://erp/Ledger/1", "gid://erp/Ledger/3")] },
    });
    expect(three.data.inventoryMoveQuantities.userErrors).toEqual([
      { field: ["input", "changes"], message: "Only a maximum of 2 ledger document URIs across all changes is allowed.", code: "MAXIMUM_LEDGER_DOCUMENT_URIS" },
    ]);
    const badReference = await t.gql(MOVE_MUTATION, { key: "m3", input: { reason: "correction", referenceDocumentUri: "gid://erp/Doc", changes: [move("damaged", "quality_control", "gid://erp/Ledger/1", "gid://erp/Ledger/1")] } });
    expect(badReference.data.inventoryMoveQuantities.userErrors).toEqual([
      { field: ["input", "referenceDocumentUri"], message: "The specified reference document is invalid.", code: "INVALID_REFERENCE_DOCUMENT" },
    ]);
  });
});

describe("orderCreate payload", () => {
  it("orders/create line items carry the sample's fields and no inventory_item_id; API orders have no checkout_token", async () => {
    const t = testShop();
    await t.gql(ORDER_CREATE, { order: { sourceName: "marketplace", lineItems: [{ variantId: t.variantBySku("RING-6").variantId, quantity: 1 }] }, options: IGNORING });
    const { topic, payload } = eventToWebhook(t.events[0]!, t.shop.domain);
    expect(topic).toBe("orders/create");
    expect(payload).toMatchObject({ checkout_token: null, cart_token: null, source_name: "marketplace" });
    const line = (payload.line_items as Record<string, unknown>[])[0]!;
    expect(line).not.toHaveProperty("inventory_item_id");
    expect(Object.keys(line).sort()).toEqual(
      [
        "id", "admin_graphql_api_id", "attributed_staffs", "current_quantity", "fulfillable_quantity", "fulfillment_service", "fulfillment_status", "gift_card", "grams", "name",
        "price", "price_set", "product_exists", "product_id", "properties", "quantity", "requires_shipping", "sku", "taxable", "title", "total_discount", "total_discount_set",
        "variant_id", "variant_inventory_management", "variant_title", "vendor", "tax_lines", "duties", "discount_allocations",
      ].sort(),
    );
  });
});

describe("@idempotent required from 2026-04 on inventoryActivate, transfers and shipments (their 2026-10 descriptions)", () => {
  it.each([
    ["inventoryActivate", `mutation($item: ID!, $loc: ID!) { inventoryActivate(inventoryItemId: $item, locationId: $loc) { userErrors { message } } }`],
    [
      "inventoryTransferCreateAsReadyToShip",
      `mutation($item: ID!, $loc: ID!) { inventoryTransferCreateAsReadyToShip(input: { originLocationId: $loc, destinationLocationId: $loc, lineItems: [{ inventoryItemId: $item, quantity: 1 }] }) { userErrors { message } } }`,
    ],
  ])("%s without the directive: BAD_REQUEST, data null, nothing done", async (root, query) => {
    const t = testShop();
    const before = t.events.length;
    const res = await t.gql(query, { item: t.variantBySku("RING-7").itemId, loc: t.location("Soho store") });
    expect(res.errors).toEqual([expect.objectContaining({ message: "The @idempotent directive is required for this mutation but was not provided.", extensions: { code: "BAD_REQUEST" } })]);
    expect(res.data[root]).toBeNull();
    expect(t.events.length).toBe(before);
  });
});

describe("locationActivate / locationDeactivate (2026-10 enums; @idempotent required from 2026-04)", () => {
  const DEACTIVATE = `mutation($id: ID!, $key: String!) { locationDeactivate(locationId: $id) @idempotent(key: $key) { location { id isActive } locationDeactivateUserErrors { field message code } } }`;
  const ACTIVATE = `mutation($id: ID!, $key: String!) { locationActivate(locationId: $id) @idempotent(key: $key) { location { id isActive } locationActivateUserErrors { field message code } } }`;

  it("refuses a location still holding units; deactivates an empty one and activates it again", async () => {
    const t = testShop();
    const soho = t.location("Soho store");
    const held = await t.gql(DEACTIVATE, { id: soho, key: nextKey() });
    expect(held.data.locationDeactivate.locationDeactivateUserErrors).toEqual([
      { field: ["locationId"], message: "Location could not be deactivated without specifying where to relocate inventory at the location.", code: "HAS_ACTIVE_INVENTORY_ERROR" },
    ]);
    for (const level of t.shop.state.levels.values()) if (level.locationId === soho) for (const name of Object.keys(level.quantities)) level.quantities[name as keyof typeof level.quantities] = 0;
    const done = await t.gql(DEACTIVATE, { id: soho, key: nextKey() });
    expect(done.data.locationDeactivate).toEqual({ location: { id: soho, isActive: false }, locationDeactivateUserErrors: [] });
    const again = await t.gql(ACTIVATE, { id: soho, key: nextKey() });
    expect(again.data.locationActivate).toEqual({ location: { id: soho, isActive: true }, locationActivateUserErrors: [] });
  });

  it("without @idempotent: BAD_REQUEST, nothing done", async () => {
    const t = testShop();
    const res = await t.gql(`mutation($id: ID!) { locationActivate(locationId: $id) { locationActivateUserErrors { code } } }`, { id: t.location("Soho store") });
    expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: "BAD_REQUEST" } })]);
  });
});
