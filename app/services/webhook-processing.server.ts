import type { Policy } from "~/domain";
import { policyHasFence } from "~/domain/ring-fence";
import { catalogRowsForProduct, deleteCatalogItem, inventoryItemIdsForVariants } from "~/models/catalog.server";
import { currentPolicy } from "~/models/policy.server";
import { deleteShopSessions, markShopUninstalled } from "~/models/shop-installation.server";
import { deleteShopData } from "~/models/shop-data.server";
import { levelStateFor, plannedAvailableAt } from "~/models/sync-state.server";
import { deliveriesToProcess, markDeliveryNotActedOn, markWebhookDeliveries } from "~/models/webhook-delivery.server";
import { catalogItemsOfVariants, type CatalogRowOfVariant } from "~/models/order-exposure.server";
import { recordLag, recordLags, recordSales, type LagInput } from "~/models/telemetry.server";
import { forgetShopThrottle } from "~/shopify/admin-client.server";
import { orderPayloadOf, parseWebhookBody, unreadablePayload, webhookEffects } from "~/shopify/webhook-payload";
import type { WebhookTopic } from "~/shopify/webhook-topics";
import { answerCustomerDataRequest, applyScopesUpdate, redactCustomer } from "./customer-privacy.server";
import { convertCartHolds, HOLD_ATTRIBUTE } from "./holds.server";
import { recordOrderExposure, type ArrivedOrder } from "./near-miss.server";
import { enqueueReconcile, enqueueRecompute, jobQueue } from "./jobs.server";
import { confirmAppGone } from "./webhook-confirmation.server";

export interface DeliveryToProcess {
  shop: string;
  topic: WebhookTopic;
  rawBody: string;
  triggeredAt: Date | null;
  receivedAt: Date;
}

type Json = Record<string, unknown>;

/**
 * What a batch of deliveries writes once instead of once per delivery: receive-lag samples, the
 * items to recompute (one enqueue), and the planned `available` of the levels its
 * inventory_levels/update payloads name (one read for the echo checks).
 */
export interface DeliveryBatch {
  lags: LagInput[];
  items: Set<string>;
  /** `${inventoryItemId}|${locationId}` → the `available` Safestock last planned there. */
  planned: Map<string, number>;
  /** The catalog rows of every variant the batch's payloads name (one read). */
  catalog: CatalogRowOfVariant[];
  /** orders/create payloads, whose sales and exposures are recorded together after the loop. */
  orders: ArrivedOrder[];
}

const levelOf = (payload: Json) =>
  payload.inventory_item_id == null || payload.location_id == null
    ? null
    : { inventoryItemId: `gid://shopify/InventoryItem/${String(payload.inventory_item_id)}`, locationId: `gid://shopify/Location/${String(payload.location_id)}` };

/**
 * The worker's side of the intake: processes recorded deliveries of one shop (the route only
 * recorded them and queued a `webhook` job). Deliveries already processed by an earlier job are
 * skipped; the rest are processed in arrival order and marked processed together. Throws when
 * one fails, with nothing marked: every step is idempotent, so the job retries the batch.
 */
export async function processRecordedDeliveries(shop: string, deliveryIds: readonly string[]): Promise<number> {
  const recorded = await deliveriesToProcess(shop, deliveryIds);
  if (recorded.length === 0) return 0;
  const rows = await parkUnreadable(shop, recorded);
  const parsed = rows.map((row) => ({ row, payload: parseWebhookBody(row.body || "{}") as Json }));
  const levels = parsed.flatMap(({ row, payload }) => (row.topic === "inventory_levels/update" ? [levelOf(payload)].filter((level) => level !== null) : []));
  // An order's line variants are among its effects (webhookEffects), so one read covers them all.
  const variantIds = new Set(parsed.flatMap(({ row, payload }) => webhookEffects(row.topic as WebhookTopic, payload).variantIds));
  const [planned, catalog] = await Promise.all([plannedAvailableAt(shop, levels), catalogItemsOfVariants(shop, [...variantIds])]);
  const batch: DeliveryBatch = { lags: [], items: new Set(), planned, catalog, orders: [] };
  const refusedIds = new Set<string>();
  for (const { row, payload } of parsed) {
    const delivery = { shop, topic: row.topic as WebhookTopic, rawBody: row.body, triggeredAt: row.triggeredAt, receivedAt: row.receivedAt };
    const outcome = await processWebhook(delivery, batch, payload);
    if (outcome === "shop-deleted") return rows.length; // its rows are gone
    if (typeof outcome === "object") {
      refusedIds.add(row.id);
      await markDeliveryNotActedOn(row.id, "refused", outcome.refused);
    }
  }
  if (batch.orders.length > 0) {
    await recordOrderSales(shop, batch.orders, batch.catalog);
    await recordOrderExposure(shop, batch.orders, batch.catalog);
  }
  await recordLags(shop, batch.lags);
  await enqueueRecompute(shop, [...batch.items]);
  await markWebhookDeliveries(
    rows.filter((row) => !refusedIds.has(row.id)).map((row) => row.id),
    "processed",
  );
  return recorded.length;
}

/**
 * Deliveries whose payload fails to read the same way on every attempt (`unreadablePayload`) are
 * parked with the reason the Webhook deliveries page shows, and left out of the batch: retried,
 * they would fail their job 8 times into a dead job and hold up the shop's other deliveries
 * (issue 22). Returns the rest.
 */
async function parkUnreadable<Row extends { id: string; topic: string; body: string }>(shop: string, rows: readonly Row[]): Promise<Row[]> {
  const readable: Row[] = [];
  for (const row of rows) {
    const reason = unreadablePayload(row.topic, row.body);
    if (reason === null) {
      readable.push(row);
      continue;
    }
    console.warn("webhook: delivery parked, its payload cannot be processed", { shop, topic: row.topic, deliveryId: row.id, reason });
    await markDeliveryNotActedOn(row.id, "parked", reason);
  }
  return readable;
}

/** Order `source_name` → the sales channel handle it sold on (velocity per channel). */
export function channelOfSource(sourceName: unknown): string {
  switch (sourceName) {
    case "web":
    case "shopify_draft_order":
      return "online_store";
    case "pos":
      return "point_of_sale";
    default:
      return typeof sourceName === "string" && sourceName ? sourceName : "online_store";
  }
}

/** What processing a delivery came to; `refused`: Shopify did not confirm what it says (the reason). */
export type ProcessingOutcome = "processed" | "shop-deleted" | { refused: string };

/**
 * What a verified, first-time delivery does, once its claims agree and it is fresh
 * (webhook-intake.server.ts). Everything here is idempotent (a delivery whose processing failed
 * is processed again on redelivery) and cheap: inventory work is only enqueued, keyed by
 * inventory item so bursts coalesce. The two deliveries that end a shop act only when Shopify
 * confirms the app is gone (`confirmAppGone`).
 */
export async function processWebhook(
  delivery: DeliveryToProcess,
  batch?: DeliveryBatch,
  payload: Json = parseWebhookBody(delivery.rawBody || "{}") as Json,
): Promise<ProcessingOutcome> {
  const { shop, topic } = delivery;
  const lifecycle = await processLifecycleDelivery(delivery);
  if (lifecycle) return lifecycle;
  if (delivery.triggeredAt) {
    const lag: LagInput = { kind: "receive", topic, millis: delivery.receivedAt.getTime() - delivery.triggeredAt.getTime(), at: delivery.receivedAt };
    if (batch) batch.lags.push(lag);
    else await recordLag(shop, lag);
  }

  switch (topic) {
    case "inventory_items/delete": {
      const id = typeof payload.admin_graphql_api_id === "string" ? payload.admin_graphql_api_id : `gid://shopify/InventoryItem/${String(payload.id)}`;
      await deleteCatalogItem(shop, id);
      return "processed";
    }
    case "locations/create":
    case "locations/update":
    case "locations/delete":
      // Location names are what policies refer to, and pools span locations: re-read all.
      await enqueueReconcile(shop, "location");
      return "processed";
  }

  if (topic === "products/update" && !(await productChangedForRules(shop, payload)) && !(await shopPolicyHasFence(shop))) {
    // Publishing or unpublishing (Safestock's own included) fires products/update too, but
    // stock is untouched: only a change the rules read (title, tags, SKUs, variants, inventory
    // policy) needs a plan. With a ring fence, publication is one of them (a fence skips a
    // product not on its channel, docs/decisions/045) and the payload does not say where the
    // product is published: the product is planned again.
    return "processed";
  }

  if (topic === "inventory_levels/update" && (await isEchoOfPlannedLevel(shop, payload, batch))) {
    // Safestock's own move comes back as inventory_levels/update with exactly the `available`
    // it planned. Recomputing would re-read Shopify to write nothing (docs/decisions/004); after a
    // policy publish that is thousands of reads. Anything else that changes `available` is
    // recomputed; a change that leaves `available` equal is caught by reconciliation.
    return "processed";
  }

  const effects = webhookEffects(topic, payload);
  const fromVariants = batch
    ? batch.catalog.filter((row) => effects.variantIds.includes(row.variantId)).map((row) => row.inventoryItemId)
    : await inventoryItemIdsForVariants(shop, effects.variantIds);
  if (topic === "orders/create") {
    const order: ArrivedOrder = { order: orderPayloadOf(payload, delivery.receivedAt), channel: channelOfSource(payload.source_name) };
    if (batch) batch.orders.push(order);
    else {
      const catalog = await catalogItemsOfVariants(shop, effects.variantIds);
      await recordOrderSales(shop, [order], catalog);
      await recordOrderExposure(shop, [order], catalog);
    }
    // The checkout's cart holds are now the order's committed units.
    const hold = checkoutHoldOf(payload);
    if (hold.checkoutToken || hold.holdKey) await convertCartHolds(shop, hold);
  }
  const items = [...new Set([...effects.inventoryItemIds, ...fromVariants])];
  if (batch) for (const item of items) batch.items.add(item);
  else await enqueueRecompute(shop, items);
  return "processed";
}

/**
 * The deliveries that end a shop, and the compliance requests: no receive-lag sample (they say
 * nothing about the inventory feed's health, and a refused one must leave no trace in the shop's
 * data). null for every other topic.
 */
async function processLifecycleDelivery(delivery: DeliveryToProcess): Promise<ProcessingOutcome | null> {
  const { shop, topic } = delivery;
  switch (topic) {
    case "app/uninstalled": {
      // Shopify revokes the token on uninstall: only then stop all work. Data stays until shop/redact.
      const confirmation = await confirmAppGone(shop);
      if (!confirmation.gone) return { refused: `app/uninstalled not confirmed by Shopify: ${confirmation.reason}` };
      console.info("webhook: app/uninstalled confirmed", { shop, evidence: confirmation.evidence });
      await markShopUninstalled(shop, delivery.receivedAt);
      await jobQueue().purgeShop(shop);
      await deleteShopSessions(shop);
      return "processed";
    }
    case "shop/redact": {
      // Shopify sends shop/redact 48 h after uninstall
      // (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance): never for a shop
      // that still has the app.
      const confirmation = await confirmAppGone(shop);
      if (!confirmation.gone) return { refused: `shop/redact for a shop that still has the app: ${confirmation.reason}` };
      console.info("webhook: shop/redact confirmed, erasing the shop's data", { shop, evidence: confirmation.evidence });
      // The queue's records too: with BullMQ they live in Redis, out of deleteShopData's reach,
      // and jobs queued since the uninstall (late deliveries, a merchant's retry) name the shop.
      await jobQueue().purgeShop(shop);
      // The shared throttle's bucket in Redis is named after the shop too (issue 22).
      await forgetShopThrottle(shop);
      await deleteShopData(shop, delivery.receivedAt);
      return "shop-deleted";
    }
    // Shopify sends these to installed apps (https://shopify.dev/changelog/apps-now-need-to-use-gdpr-webhooks);
    // they read the raw body (the customer's email and phone), which is never stored.
    case "customers/data_request":
      await answerCustomerDataRequest(shop, parseWebhookBody(delivery.rawBody || "{}") as Json);
      return "processed";
    case "customers/redact":
      await redactCustomer(shop, parseWebhookBody(delivery.rawBody || "{}") as Json);
      return "processed";
    case "app/scopes_update":
      return applyScopesUpdate(shop, parseWebhookBody(delivery.rawBody || "{}") as Json, delivery.triggeredAt ?? null);
    default:
      return null;
  }
}

async function isEchoOfPlannedLevel(shop: string, payload: Json, batch?: DeliveryBatch): Promise<boolean> {
  const level = levelOf(payload);
  if (!level || typeof payload.available !== "number") return false;
  const planned = batch
    ? batch.planned.get(`${level.inventoryItemId}|${level.locationId}`)
    : (await levelStateFor(shop, level.inventoryItemId, level.locationId))?.available;
  return planned !== undefined && planned === payload.available;
}

/** Whether the policy in force has a ring fence in force (the domain's `policyHasFence`, the plan's own test). */
async function shopPolicyHasFence(shop: string): Promise<boolean> {
  const document = (await currentPolicy(shop))?.document as Policy | undefined;
  return document !== undefined && policyHasFence(document);
}

/** Whether a products/update payload differs from what the rules last saw of the product. */
async function productChangedForRules(shop: string, product: Json): Promise<boolean> {
  const productId = typeof product.admin_graphql_api_id === "string" ? product.admin_graphql_api_id : `gid://shopify/Product/${String(product.id)}`;
  const rows = await catalogRowsForProduct(shop, productId);
  const variants = Array.isArray(product.variants) ? (product.variants as Json[]) : [];
  if (rows.length === 0 || rows.length !== variants.length) return true;
  // REST payloads carry tags as one comma-separated string.
  const tags = typeof product.tags === "string" ? product.tags.split(",").map((tag) => tag.trim()).filter(Boolean) : [];
  const bySku = new Map(rows.map((row) => [`${row.inventoryItemId}`, row]));
  return variants.some((variant) => {
    const row = bySku.get(`gid://shopify/InventoryItem/${String(variant.inventory_item_id)}`);
    // "Continue selling when out of stock" toggled: the published value and the Function follow it.
    const continueSelling = variant.inventory_policy === "continue";
    return !row || row.sku !== (variant.sku ?? "") || row.productTitle !== product.title || row.tags !== JSON.stringify(tags) || row.continueSelling !== continueSelling;
  });
}

/** Orders' tracked lines as sales per channel (velocity buffers, refresh windows), in one write. */
async function recordOrderSales(shop: string, orders: readonly ArrivedOrder[], catalog: readonly CatalogRowOfVariant[]) {
  const byVariant = new Map(catalog.map((item) => [item.variantId, item]));
  await recordSales(
    shop,
    orders.flatMap(({ order, channel }) =>
      order.lines.flatMap((line) => {
        const item = byVariant.get(line.variantId);
        return item ? [{ orderId: order.orderId, lineItemId: line.lineItemId, inventoryItemId: item.inventoryItemId, sku: item.sku, channel, quantity: line.quantity, occurredAt: order.occurredAt }] : [];
      }),
    ),
  );
}

/**
 * Which checkout an order came from: its `checkout_token` and the hold key its cart carried
 * (`note_attributes`: "Attributes set on a cart carry over to the resulting order after checkout",
 * shopify.dev/docs/api/storefront/2026-04/objects/Attribute).
 */
function checkoutHoldOf(payload: Json): { checkoutToken: string | null; holdKey: string | null } {
  const checkoutToken = typeof payload.checkout_token === "string" && payload.checkout_token ? payload.checkout_token : null;
  const attributes = Array.isArray(payload.note_attributes) ? (payload.note_attributes as { name?: unknown; value?: unknown }[]) : [];
  const attribute = attributes.find((entry) => entry?.name === HOLD_ATTRIBUTE && typeof entry.value === "string" && entry.value !== "");
  return { checkoutToken, holdKey: (attribute?.value as string | undefined) ?? null };
}
