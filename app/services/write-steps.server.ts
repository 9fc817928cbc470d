/**
 * The complete list of writes of one sync run, built before anything is sent (the sync step,
 * sync-items.server.ts): the engine's write plan (`app/domain/write-plan.ts`) turned into
 * mutations with what each records once Shopify applied it, the publication steps planned from
 * stored and planned channel states, and the product publications read from Shopify. The writer
 * (apply-writes.server.ts) only sends them in order.
 */
import type { AuditActor, AuditInput } from "~/models/audit.server";
import { catalogItemsForProducts } from "~/models/catalog.server";
import { appUnpublicationsOfProducts, channelStatesForItems, saveSyncState, type ChannelStateRow } from "~/models/sync-state.server";
import type { WriteIntentKind, WriteRecord } from "~/models/write-intent.server";
import { channelNumberLowTriggers, lowStockThreshold } from "~/domain/flow";
import { chunk } from "~/domain/inventory-writes";
import { planProductPublications, type WritePlan } from "~/domain/write-plan";
import type { AdminClient } from "~/shopify/admin-client.server";
import { enqueueFlowTriggers } from "./flow-triggers.server";
import {
  MAX_CHANGES_PER_MUTATION,
  MAX_METAFIELDS_PER_SET,
  readProductPublications,
  type ChannelMetafieldWrite,
  type MoveQuantitiesRequest,
} from "~/shopify/inventory.server";
import type { ShopSyncContext } from "./sync-context.server";

export interface PublicationRequest {
  productId: string;
  publicationId: string;
}

export interface MetafieldsRequest {
  metafields: ChannelMetafieldWrite[];
  /** Each write's item, in the order of `metafields`: to drop the numbers of items whose move was refused (the writer's `withoutItems`). Read-backs go by each write's variantId. */
  inventoryItemIds: string[];
  /**
   * Each write's value before it (null: none), in the order of `metafields`: put back when a
   * move sent in the same request was not applied (docs/decisions/039). Absent in intents stored
   * before 039.
   */
  previousValues?: (string | null)[];
  /** The move intent sent in the same request (SafestockApplyLevels), whose outcome these numbers assume. */
  pairedMoveIntentId?: string;
}

/** One mutation to send: its request, what it records once applied, and how many writes (levels, variants, publications) it carries. */
export interface WriteStep {
  kind: WriteIntentKind;
  request: unknown;
  record: WriteRecord;
  writes: number;
  /**
   * Of `writes`, the variants whose channel numbers Safestock publishes for the first time: no
   * metafield in Shopify and no channel state of ours (a fresh shop's first sync). Nothing was
   * published before, so they are not drift; a metafield someone deleted after we wrote it is.
   */
  firstPublications?: number;
}

type BatchItem = { inventoryItemId: string; sku: string; productId: string | null };

const levelKey = (row: { inventoryItemId: string; locationId: string }) => `${row.inventoryItemId}|${row.locationId}`;

/**
 * The run's writes in the order they are sent: safety_stock moves, channel ATS metafields, then
 * publications. Records the state of levels and channels that need no write now (it is current
 * already); the rest is recorded with the write that brings Shopify to it.
 */
export async function planWriteSteps(
  context: ShopSyncContext,
  client: AdminClient,
  writePlan: WritePlan,
  items: readonly BatchItem[],
  actor: AuditActor,
  /** The items' stored channel states, read once before planning (sync-items.server.ts). */
  previousChannels: ChannelStateRow[],
): Promise<WriteStep[]> {
  const moving = new Set(writePlan.moves.map(levelKey));
  const writingMetafield = new Set(writePlan.metafields.map((write) => write.inventoryItemId));
  await saveSyncState(
    context.shop,
    writePlan.levels.filter((level) => !moving.has(levelKey(level))),
    writePlan.channelStates.filter((state) => !writingMetafield.has(state.inventoryItemId)),
    undefined,
    { storedChannels: previousChannels, plannedAt: context.now },
  );
  await enqueueFlowTriggers(context.shop, lowChannelNumbers(context, items, previousChannels, writePlan));
  return [
    ...moveSteps(context, writePlan, actor),
    ...metafieldSteps(context, writePlan, actor, new Set(previousChannels.map((row) => row.inventoryItemId))),
    ...(await publicationSteps(context, client, writePlan, items, previousChannels, actor)),
  ];
}

/**
 * "Channel stock fell below threshold" Flow triggers: a SKU's channel number that fell below its
 * channel's alert threshold (`alertBelow`, else `pauseBelow`) in this run (docs/decisions/035-shopify-flow.md).
 */
function lowChannelNumbers(context: ShopSyncContext, items: readonly BatchItem[], previous: readonly ChannelStateRow[], writePlan: WritePlan) {
  const skuOf = new Map(items.map((item) => [item.inventoryItemId, item.sku]));
  const thresholds = new Map(context.policy.compiled.policy.channels.map((rule) => [rule.channel, lowStockThreshold(rule)]));
  const withSku = (state: { inventoryItemId: string; channel: string; available: number }) => ({ ...state, sku: skuOf.get(state.inventoryItemId) ?? "" });
  return channelNumberLowTriggers(previous.map(withSku), writePlan.channelStates.map(withSku), (channel) => thresholds.get(channel));
}

function moveSteps(context: ShopSyncContext, writePlan: WritePlan, actor: AuditActor): WriteStep[] {
  const levelsByKey = new Map(writePlan.levels.map((level) => [levelKey(level), level]));
  return chunk(writePlan.moves, MAX_CHANGES_PER_MUTATION).map((batch) => {
    const request: MoveQuantitiesRequest = {
      changes: batch.map((move) => ({ inventoryItemId: move.inventoryItemId, locationId: move.locationId, quantity: move.quantity, from: move.from, to: move.to })),
      reason: "safety_stock",
      referenceDocumentUri: context.policyUri,
      ledgerDocumentUri: context.policyUri,
    };
    const record: WriteRecord = {
      audit: batch.map((move) => ({
        sku: move.sku,
        inventoryItemId: move.inventoryItemId,
        locationId: move.locationId,
        subject: "safety_stock",
        before: move.safetyStockBefore,
        after: move.safetyStockAfter,
        ruleVersion: context.policy.version,
        reason: move.reason,
        actor,
      })),
      levels: batch.map((move) => levelsByKey.get(levelKey(move))!),
    };
    return { kind: "move_quantities", request, record, writes: batch.length };
  });
}

/** Channel ATS, published to the variant metafield only when the numbers changed. */
function metafieldSteps(context: ShopSyncContext, writePlan: WritePlan, actor: AuditActor, everPublished: ReadonlySet<string>): WriteStep[] {
  return chunk(writePlan.metafields, MAX_METAFIELDS_PER_SET).map((batch) => {
    const inBatch = new Set(batch.map((write) => write.inventoryItemId));
    const request: MetafieldsRequest = {
      metafields: batch.map((write) => ({ variantId: write.variantId, value: write.value, compareDigest: write.compareDigest })),
      // One variant a write, so one item a write, in the order of `metafields` (apply-writes.server.ts `withoutItems`).
      inventoryItemIds: batch.map((write) => write.inventoryItemId),
      previousValues: batch.map((write) => write.previousValue),
    };
    const record: WriteRecord = {
      audit: batch.flatMap((write) =>
        write.changes.map<AuditInput>((change) => ({
          sku: write.sku,
          inventoryItemId: write.inventoryItemId,
          channel: change.channel,
          subject: "channel_ats",
          before: change.before,
          after: change.after,
          ruleVersion: context.policy.version,
          reason: change.reason,
          actor,
        })),
      ),
      channels: writePlan.channelStates.filter((state) => inBatch.has(state.inventoryItemId)),
    };
    const firstPublications = batch.filter((write) => write.compareDigest === null && !everPublished.has(write.inventoryItemId)).length;
    return { kind: "metafields_set", request, record, writes: batch.length, firstPublications };
  });
}

/**
 * Publications of the products these items belong to, planned from the channel states the run
 * leaves behind: the batch's planned states over the other variants' stored ones. An unpublish
 * is planned only where Shopify shows the product published (read now, once a product).
 */
async function publicationSteps(
  context: ShopSyncContext,
  client: AdminClient,
  writePlan: WritePlan,
  items: readonly BatchItem[],
  previousChannels: readonly ChannelStateRow[],
  actor: AuditActor,
): Promise<WriteStep[]> {
  const previous = new Map(previousChannels.map((state) => [`${state.inventoryItemId}|${state.channel}`, state]));
  const batchItems = new Set(items.map((item) => item.inventoryItemId));
  const productIds = [...new Set(items.map((item) => item.productId).filter((id): id is string => Boolean(id)))];
  // Three reads for the batch's products, not three per product (a 500-item batch spans hundreds).
  const variants = await catalogItemsForProducts(context.shop, productIds);
  const [stored, hiddenByUs] = await Promise.all([
    channelStatesForItems(
      context.shop,
      variants.map((variant) => variant.inventoryItemId),
    ),
    appUnpublicationsOfProducts(context.shop, productIds),
  ]);
  // What the run leaves behind: its planned states over the stored ones.
  const after = new Map(stored.map((state) => [`${state.inventoryItemId}|${state.channel}`, state]));
  for (const state of writePlan.channelStates) after.set(`${state.inventoryItemId}|${state.channel}`, { ...state, explain: JSON.stringify(state.explain), reserveHistory: JSON.stringify(state.reserveHistory ?? []) });
  const productOf = new Map(variants.map((variant) => [variant.inventoryItemId, variant.productId]));
  const statesOf = groupBy([...after.values()], (state) => productOf.get(state.inventoryItemId) ?? "");
  const hiddenOf = groupBy(hiddenByUs, (entry) => entry.productId);
  const steps: WriteStep[] = [];
  for (const productId of productIds) {
    const publications = planProductPublications({
      channels: context.channels,
      ruledChannels: context.policy.ruledChannels,
      states: statesOf.get(productId) ?? [],
      previous,
      batchItems,
      hiddenByUs: new Set((hiddenOf.get(productId) ?? []).map((entry) => entry.publicationId)),
      alwaysCheck: actor === "reconciliation",
    });
    let published: Set<string> | null = null;
    for (const step of publications) {
      if (step.action === "unpublish") {
        published ??= await readProductPublications(client, productId);
        if (!published.has(step.publicationId)) continue;
      }
      steps.push(publicationStep(context, productId, step, actor));
    }
  }
  return steps;
}

function publicationStep(
  context: ShopSyncContext,
  productId: string,
  step: { action: "publish" | "unpublish"; publicationId: string; channel: string; reason: string },
  actor: AuditActor,
): WriteStep {
  const unpublish = step.action === "unpublish";
  const record: WriteRecord = {
    audit: [
      {
        channel: step.channel,
        subject: "publication",
        before: unpublish ? 1 : 0,
        after: unpublish ? 0 : 1,
        ruleVersion: context.policy.version,
        reason: unpublish ? `Unpublished: ${step.reason}` : `Republished: ${step.reason}`,
        actor,
      },
    ],
    ...(unpublish
      ? { unpublished: { productId, publicationId: step.publicationId, channel: step.channel, reason: step.reason } }
      : { republished: { productId, publicationId: step.publicationId } }),
  };
  const request: PublicationRequest = { productId, publicationId: step.publicationId };
  return { kind: step.action, request, record, writes: 1 };
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
