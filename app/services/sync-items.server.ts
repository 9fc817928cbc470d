/**
 * The heart of the pipeline: given fresh reads of some inventory items, plan with the rules
 * engine and write only what differs — safety_stock moves (compare-and-swap, idempotent),
 * channel ATS metafields (compareDigest) and publish/unpublish of lower-tier channels.
 *
 * A stale write (a sale landed between our read and our write) is reported back, and the
 * caller re-reads and runs again: Shopify's current truth always wins.
 */
import { createHash } from "node:crypto";
import {
  channelAtsBySku,
  channelMetafieldValue,
  chunk,
  parseChannelMetafieldValue,
  planSafetyStockMoves,
  type ChannelAts,
  type LevelTarget,
} from "~/domain/inventory-writes";
import { planAvailability, type Item, type Level, type Plan, type Snapshot } from "~/domain";
import { recordAudit, type AuditActor, type AuditInput } from "~/models/audit.server";
import { catalogItemsForProduct, upsertCatalogItems, type CatalogItemInput } from "~/models/catalog.server";
import {
  channelStatesForItems,
  listAppUnpublications,
  recordAppUnpublication,
  removeAppUnpublication,
  saveSyncState,
} from "~/models/sync-state.server";
import { recordLag } from "~/models/telemetry.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import {
  MAX_CHANGES_PER_MUTATION,
  MAX_METAFIELDS_PER_SET,
  moveQuantities,
  readProductPublications,
  setChannelMetafields,
  setProductPublished,
  type ShopifyItem,
} from "~/shopify/inventory.server";
import type { ShopSyncContext } from "./sync-context.server";

export interface SyncOutcome {
  /** True when a compare-and-swap failed: re-read and sync again. */
  stale: boolean;
  levelsChecked: number;
  safetyStockMoves: number;
  metafieldWrites: number;
  publicationChanges: number;
  /** Why levels/channels differed from the plan, by cause (reconciliation report). */
  drift: Record<string, number>;
}

const emptyOutcome = (): SyncOutcome => ({
  stale: false,
  levelsChecked: 0,
  safetyStockMoves: 0,
  metafieldWrites: 0,
  publicationChanges: 0,
  drift: {},
});

/** The catalog rows (SKU, product, tags…) of items read from Shopify; items without a variant are skipped. */
export function catalogEntries(items: ShopifyItem[]): CatalogItemInput[] {
  return items
    .filter((item) => item.sku && item.variantId && item.productId)
    .map((item) => ({
      inventoryItemId: item.inventoryItemId,
      variantId: item.variantId!,
      productId: item.productId!,
      sku: item.sku,
      productTitle: item.productTitle,
      variantTitle: item.variantTitle,
      tags: item.tags,
      tracked: item.tracked,
    }));
}

/** Builds the engine's snapshot (names, not ids: the policy file speaks in SKUs and location names). */
export function snapshotFor(context: ShopSyncContext, items: ShopifyItem[]): Snapshot {
  const levels: Level[] = [];
  const engineItems: Item[] = [];
  for (const item of items) {
    engineItems.push({
      sku: item.sku,
      product: item.productTitle,
      tags: item.tags,
      unitsPerMinute: context.unitsPerMinute.get(item.inventoryItemId) ?? 0,
    });
    for (const level of item.levels) {
      if (!level.locationActive) continue;
      const q = level.quantities;
      levels.push({
        sku: item.sku,
        location: level.locationName,
        onHand: q.on_hand,
        committed: q.committed,
        reserved: q.reserved,
        damaged: q.damaged,
        qualityControl: q.quality_control,
        incoming: q.incoming,
      });
    }
  }
  return {
    syncLagMinutes: context.syncLagMinutes,
    levels,
    items: engineItems,
    holds: context.holds,
    channels: context.channels.map((channel) => channel.handle),
    locations: context.locations,
  };
}

function idempotencyKey(shop: string, payload: unknown): string {
  return createHash("sha256").update(shop).update(JSON.stringify(payload)).digest("hex").slice(0, 48);
}

export async function syncItems(
  context: ShopSyncContext,
  client: AdminClient,
  fetched: ShopifyItem[],
  actor: AuditActor,
): Promise<SyncOutcome> {
  const outcome = emptyOutcome();
  // Untracked items and items without a SKU are outside Safestock's reach (Shopify does not
  // count their stock); the policy file addresses items by SKU.
  const items = fetched.filter((item) => item.tracked && item.sku);
  if (items.length === 0) return outcome;

  await upsertCatalogItems(context.shop, catalogEntries(items));

  const plan = context.applyFreeze(planAvailability(context.policy.compiled, snapshotFor(context, items), { now: context.now.toISOString() }));
  const levelPlans = new Map(plan.levels.map((level) => [`${level.sku}\u0000${level.location}`, level]));

  // 1. Location protection: safety_stock moves.
  const targets: LevelTarget[] = [];
  for (const item of items) {
    for (const level of item.levels) {
      if (!level.locationActive) continue;
      const planned = levelPlans.get(`${item.sku}\u0000${level.locationName}`);
      if (!planned) continue;
      outcome.levelsChecked++;
      targets.push({
        inventoryItemId: item.inventoryItemId,
        locationId: level.locationId,
        sku: item.sku,
        location: level.locationName,
        available: level.quantities.available,
        safetyStock: level.quantities.safety_stock,
        targetSafetyStock: planned.safetyStock,
      });
    }
  }
  const moves = planSafetyStockMoves(targets);
  const audit: AuditInput[] = [];
  for (const batch of chunk(moves, MAX_CHANGES_PER_MUTATION)) {
    const started = Date.now();
    const result = await moveQuantities(client, {
      changes: batch.map((move) => ({
        inventoryItemId: move.inventoryItemId,
        locationId: move.locationId,
        quantity: move.quantity,
        from: move.from,
        to: move.to,
      })),
      reason: "safety_stock",
      referenceDocumentUri: context.policyUri,
      ledgerDocumentUri: context.policyUri,
      // Derived from the plan and the quantities it was computed from: a retry of the same
      // write reuses the key (applied once), a write from a newer read gets a new one.
      idempotencyKey: idempotencyKey(context.shop, batch),
    });
    await recordLag(context.shop, { kind: "write", millis: Date.now() - started, at: context.now });
    if (!result.ok) {
      if (result.stale) return { ...outcome, stale: true };
      throw new Error(`inventoryMoveQuantities refused: ${result.userErrors.map((e) => `${e.code ?? ""} ${e.message}`).join("; ")}`);
    }
    for (const move of batch) {
      outcome.safetyStockMoves++;
      bump(outcome.drift, "safety_stock");
      audit.push({
        sku: move.sku,
        inventoryItemId: move.inventoryItemId,
        locationId: move.locationId,
        subject: "safety_stock",
        before: move.safetyStockBefore,
        after: move.safetyStockAfter,
        ruleVersion: context.policy.version,
        reason: explainText(levelPlans.get(`${move.sku}\u0000${move.location}`)?.explain) || "no protection applies",
        actor,
        requestId: result.requestId,
      });
    }
  }

  // 2. Channel ATS, published to the variant metafield only when the numbers changed.
  const atsBySku = channelAtsBySku(plan.channels);
  const metafieldWrites: { item: ShopifyItem; value: string; before: Record<string, ChannelAts> | null; after: Record<string, ChannelAts> }[] = [];
  for (const item of items) {
    const ats = atsBySku.get(item.sku);
    if (!ats || !item.variantId) continue;
    const value = channelMetafieldValue(ats);
    const before = parseChannelMetafieldValue(item.channelMetafield?.value);
    if (before && channelMetafieldValue(before) === value) continue;
    metafieldWrites.push({ item, value, before, after: ats });
  }
  for (const batch of chunk(metafieldWrites, MAX_METAFIELDS_PER_SET)) {
    const result = await setChannelMetafields(
      client,
      batch.map((write) => ({
        variantId: write.item.variantId!,
        value: write.value,
        compareDigest: write.item.channelMetafield?.compareDigest ?? null,
      })),
    );
    if (!result.ok) {
      if (result.stale) return { ...outcome, stale: true };
      throw new Error(`metafieldsSet refused: ${result.userErrors.map((e) => e.message).join("; ")}`);
    }
    for (const write of batch) {
      outcome.metafieldWrites++;
      bump(outcome.drift, "channel_ats");
      for (const [channel, ats] of Object.entries(write.after)) {
        const previous = write.before?.[channel];
        if (previous && previous.available === ats.available && previous.paused === ats.paused) continue;
        audit.push({
          sku: write.item.sku,
          inventoryItemId: write.item.inventoryItemId,
          channel,
          subject: "channel_ats",
          before: previous?.available ?? null,
          after: ats.available,
          ruleVersion: context.policy.version,
          reason: channelReason(plan, write.item.sku, channel, ats),
          actor,
          requestId: result.requestId,
        });
      }
    }
  }

  const { previousChannels } = await saveSyncState(
    context.shop,
    targets.map((target) => {
      const planned = levelPlans.get(`${target.sku}\u0000${target.location}`)!;
      return {
        inventoryItemId: target.inventoryItemId,
        locationId: target.locationId,
        quantities: items
          .find((item) => item.inventoryItemId === target.inventoryItemId)!
          .levels.find((level) => level.locationId === target.locationId)!.quantities,
        protected: planned.protected,
        available: planned.available,
        explain: [...planned.explain],
      };
    }),
    items.flatMap((item) =>
      plan.channels
        .filter((channel) => channel.sku === item.sku)
        .map((channel) => ({
          inventoryItemId: item.inventoryItemId,
          channel: channel.channel,
          available: channel.available,
          paused: channel.paused,
          explain: [...channel.explain],
        })),
    ),
  );

  // 3. Publications: hide a product from a ruled channel when no variant may sell there, and
  // bring it back when one may — only if Safestock was the one that hid it.
  const productIds = [...new Set(items.map((item) => item.productId).filter((id): id is string => Boolean(id)))];
  const before = new Map(previousChannels.map((state) => [`${state.inventoryItemId}|${state.channel}`, state]));
  const batchItems = new Set(items.map((item) => item.inventoryItemId));
  for (const productId of productIds) {
    outcome.publicationChanges += await syncProductPublications(context, client, productId, actor, audit, { before, batchItems });
  }

  await recordAudit(context.shop, audit);
  return outcome;
}

async function syncProductPublications(
  context: ShopSyncContext,
  client: AdminClient,
  productId: string,
  actor: AuditActor,
  audit: AuditInput[],
  previous: { before: Map<string, { available: number; paused: boolean }>; batchItems: Set<string> },
): Promise<number> {
  const variants = await catalogItemsForProduct(context.shop, productId);
  const states = await channelStatesForItems(
    context.shop,
    variants.map((variant) => variant.inventoryItemId),
  );
  const hiddenByUs = await listAppUnpublications(context.shop, productId);
  let changes = 0;
  let published: Set<string> | null = null;
  for (const channel of context.channels) {
    if (!context.policy.ruledChannels.has(channel.handle)) continue;
    const forChannel = states.filter((state) => state.channel === channel.handle);
    if (forChannel.length === 0) continue;
    const sellable = forChannel.some((state) => state.available > 0 && !state.paused);
    const hidden = hiddenByUs.some((entry) => entry.publicationId === channel.publicationId);
    if (!sellable && !hidden) {
      // Ask Shopify only when the product just stopped selling here (or we never saw it): a
      // product that was already unsellable was handled then, or is not on this channel at all.
      // Reconciliation always asks, to catch drift.
      const earlier = forChannel.map((state) =>
        previous.batchItems.has(state.inventoryItemId) ? previous.before.get(`${state.inventoryItemId}|${state.channel}`) : state,
      );
      const wasSellable = earlier.some((state) => state && state.available > 0 && !state.paused);
      const seenBefore = earlier.every(Boolean);
      if (actor !== "reconciliation" && seenBefore && !wasSellable) continue;
      published ??= await readProductPublications(client, productId);
      if (!published.has(channel.publicationId)) continue;
      const reason = forChannel.some((state) => state.paused) ? "channel paused" : "no variant has stock for this channel";
      const result = await setProductPublished(client, productId, channel.publicationId, false);
      if (!result.ok) throw new Error(`publishableUnpublish refused: ${result.userErrors.map((e) => e.message).join("; ")}`);
      await recordAppUnpublication(context.shop, { productId, publicationId: channel.publicationId, channel: channel.handle, reason });
      audit.push({ channel: channel.handle, subject: "publication", before: 1, after: 0, ruleVersion: context.policy.version, reason: `Unpublished: ${reason}`, actor, requestId: result.requestId });
      changes++;
    } else if (sellable && hidden) {
      const result = await setProductPublished(client, productId, channel.publicationId, true);
      if (!result.ok) throw new Error(`publishablePublish refused: ${result.userErrors.map((e) => e.message).join("; ")}`);
      await removeAppUnpublication(context.shop, productId, channel.publicationId);
      audit.push({ channel: channel.handle, subject: "publication", before: 0, after: 1, ruleVersion: context.policy.version, reason: "Republished: stock available for this channel again", actor, requestId: result.requestId });
      changes++;
    }
  }
  return changes;
}

function bump(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1;
}

function explainText(lines: readonly { reason: string }[] | undefined): string {
  return (lines ?? []).map((line) => line.reason).join("; ");
}

function channelReason(plan: Plan, sku: string, channel: string, ats: ChannelAts): string {
  const planned = plan.channels.find((entry) => entry.sku === sku && entry.channel === channel);
  const text = explainText(planned?.explain);
  return text || (ats.paused ? "paused" : `shares the pool of ${planned?.pool ?? ats.available}`);
}
