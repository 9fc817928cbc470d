/**
 * The pure half of a sync run (docs/pipeline.md): from fresh reads of some inventory items, the
 * policy and the shop's freeze state to a write plan — safety-stock moves, channel metafield
 * values, the state to remember, and which publications to change. The writer
 * (`app/services/apply-writes.server.ts`) only sends what this returns, so `policy:plan` and
 * tests can reproduce any plan (a frozen one included) without Shopify.
 */
import { bundleChannelPlans, componentsForCheckout, type BundleInput, type ComponentForCheckout, type PublishedComponent } from "./bundles";
import type { CompiledPolicy } from "./compile-policy";
import { withContinueSelling } from "./continue-selling";
import { freezeLowStockChannels } from "./freeze";
import {
  canonicalChannelMetafieldValue,
  channelAtsByItem,
  channelMetafieldValue,
  type CheckoutHolds,
  CHECKOUT_CHANNEL,
  parseChannelMetafieldValue,
  planSafetyStockMoves,
  type ChannelAts,
  type LevelTarget,
  type QuantityMove,
} from "./inventory-writes";
import { planAvailability } from "./plan";
import type { ChannelPlan, ExplainLine, LevelPlan, Plan, PublishedReserve, Snapshot } from "./types";

/** An item is low on stock on a channel when its pool is below this (webhook-health freeze). */
export const FREEZE_LOW_STOCK_BELOW = 10;

/** The webhook-health freeze in force for a shop, or null when Shopify's feed is healthy. */
export interface FreezeState {
  readonly reason: string;
  /** Tier per channel handle, from the policy's channel rules. */
  readonly tiers: ReadonlyMap<string, number>;
}

/** The freeze state a policy document and a freeze reason give (the CLI and the sync path share it). */
export function freezeStateFor(policy: { readonly channels: readonly { readonly channel: string; readonly tier?: number }[] }, reason: string): FreezeState {
  return { reason, tiers: new Map(policy.channels.map((rule) => [rule.channel, rule.tier ?? 1])) };
}

/** The engine's plan with the webhook-health freeze applied when the shop is frozen. */
export function planWithFreeze(policy: CompiledPolicy, snapshot: Snapshot, options: { now: string; freeze: FreezeState | null }): Plan {
  const plan = planAvailability(policy, snapshot, { now: options.now });
  if (!options.freeze) return plan;
  return freezeLowStockChannels(plan, { tiers: options.freeze.tiers, lowStockBelow: FREEZE_LOW_STOCK_BELOW, reason: options.freeze.reason });
}

/** What the planner needs of an item read from Shopify (structurally the reader's `ShopifyItem`). */
export interface ReadItem {
  readonly inventoryItemId: string;
  readonly sku: string;
  readonly variantId: string | null;
  /** Shopify `inventoryPolicy: CONTINUE` (published so the checkout Function never blocks it). */
  readonly continueSelling?: boolean;
  readonly channelMetafield: { readonly value: string; readonly compareDigest: string } | null;
  readonly levels: readonly {
    readonly locationId: string;
    readonly locationName: string;
    readonly locationActive: boolean;
    readonly quantities: Readonly<Record<string, number>> & { readonly available: number; readonly safety_stock: number };
  }[];
}

/** A level the plan covers, with what is remembered about it (sync state). */
export interface PlannedLevel {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly quantities: Readonly<Record<string, number>>;
  readonly protected: number;
  readonly available: number;
  readonly explain: readonly ExplainLine[];
}

export interface PlannedMove extends QuantityMove {
  /** Why, in words, for the audit log. */
  readonly reason: string;
}

export interface ChannelChange {
  readonly channel: string;
  readonly before: number | null;
  readonly after: number;
  readonly reason: string;
}

export interface PlannedMetafield {
  readonly inventoryItemId: string;
  readonly sku: string;
  readonly variantId: string;
  readonly value: string;
  /** The digest read; null when the metafield does not exist yet (compare-and-swap). */
  readonly compareDigest: string | null;
  /** The value read (null: none yet): what is put back if a move these numbers assume is not applied (docs/decisions/039). */
  readonly previousValue: string | null;
  /** The channels whose number or pause changed (one audit entry each). */
  readonly changes: readonly ChannelChange[];
}

export interface PlannedChannelState {
  readonly inventoryItemId: string;
  readonly channel: string;
  readonly available: number;
  readonly paused: boolean;
  readonly explain: readonly ExplainLine[];
  /** ChannelPlan.reserveHistory, stored so the next plan holds the reserve at its peak (docs/decisions/032). */
  readonly reserveHistory?: readonly PublishedReserve[];
}

export interface WritePlan {
  readonly plan: Plan;
  /** Every active level the policy covers (checked, whether or not it moves). */
  readonly levels: readonly PlannedLevel[];
  readonly moves: readonly PlannedMove[];
  readonly metafields: readonly PlannedMetafield[];
  readonly channelStates: readonly PlannedChannelState[];
}

/** Plans are keyed by inventory item (the snapshot's `item`), never by SKU: twins sharing one must not overwrite each other. */
const levelKey = (item: string, location: string) => `${item}\u0000${location}`;

export function explainText(lines: readonly { readonly reason: string }[] | undefined): string {
  return (lines ?? []).map((line) => line.reason).join("; ");
}

function channelReason(planned: ChannelPlan | undefined, ats: ChannelAts): string {
  const text = explainText(planned?.explain);
  return text || (ats.paused ? "paused" : `shares the pool of ${planned?.pool ?? ats.available}`);
}

/**
 * Reads + policy (+ freeze) → the writes that bring Shopify to the plan. Only levels whose
 * `safety_stock` differs move, and only variants whose published numbers differ are written:
 * Safestock's own `inventory_levels/update` echo plans nothing. The snapshot's levels name their
 * inventory item (`Level.item` = `ReadItem.inventoryItemId`): plans are matched to reads by it.
 */
export function planInventoryWrites(input: {
  readonly policy: CompiledPolicy;
  readonly snapshot: Snapshot;
  readonly items: readonly ReadItem[];
  readonly now: string;
  readonly freeze: FreezeState | null;
  /** Running cart holds on the checkout channel per inventory item, published for the checkout Function (docs/decisions/019). */
  readonly checkoutHolds?: ReadonlyMap<string, CheckoutHolds>;
  /** Fixed bundles among `items`, with their components (read in the same run): numbers derived from the components' (./bundles.ts). */
  readonly bundles?: readonly PlannedBundle[];
}): WritePlan {
  const plan = withBundles(planWithFreeze(input.policy, input.snapshot, { now: input.now, freeze: input.freeze }), input.bundles ?? []);
  const publishedComponents = publishedComponentsOf(plan, input.bundles ?? [], input.checkoutHolds);
  const levelPlans = new Map<string, LevelPlan>(plan.levels.map((level) => [levelKey(level.item, level.location), level]));

  const targets: LevelTarget[] = [];
  const levels: PlannedLevel[] = [];
  for (const item of input.items) {
    for (const level of item.levels) {
      if (!level.locationActive) continue;
      const planned = levelPlans.get(levelKey(item.inventoryItemId, level.locationName));
      if (!planned) continue;
      targets.push({
        inventoryItemId: item.inventoryItemId,
        locationId: level.locationId,
        sku: item.sku,
        location: level.locationName,
        available: level.quantities.available,
        safetyStock: level.quantities.safety_stock,
        targetSafetyStock: planned.safetyStock,
      });
      levels.push({
        inventoryItemId: item.inventoryItemId,
        locationId: level.locationId,
        quantities: level.quantities,
        protected: planned.protected,
        available: planned.available,
        explain: withContinueSelling(planned.explain, item.continueSelling === true, planned.protected),
      });
    }
  }
  const moves = planSafetyStockMoves(targets).map((move) => ({
    ...move,
    reason: explainText(levelPlans.get(levelKey(move.inventoryItemId, move.location))?.explain) || "no protection applies",
  }));

  const atsByItem = channelAtsByItem(plan.channels);
  const channelPlans = new Map(plan.channels.map((channel) => [levelKey(channel.item, channel.channel), channel]));
  const channelsByItem = new Map<string, ChannelPlan[]>();
  for (const channel of plan.channels) {
    const list = channelsByItem.get(channel.item);
    if (list === undefined) channelsByItem.set(channel.item, [channel]);
    else list.push(channel);
  }
  const metafields: PlannedMetafield[] = [];
  const channelStates: PlannedChannelState[] = [];
  for (const item of input.items) {
    for (const channel of channelsByItem.get(item.inventoryItemId) ?? []) {
      const explain = withContinueSelling(channel.explain, item.continueSelling === true);
      const state = { inventoryItemId: item.inventoryItemId, channel: channel.channel, available: channel.available, paused: channel.paused, explain };
      channelStates.push(channel.reserveHistory === undefined ? state : { ...state, reserveHistory: channel.reserveHistory });
    }
    const ats = atsByItem.get(item.inventoryItemId);
    if (!ats || !item.variantId) continue;
    const value = channelMetafieldValue(ats, {
      continueSelling: item.continueSelling === true,
      holds: input.checkoutHolds?.get(item.inventoryItemId) ?? null,
      components: publishedComponents.get(item.inventoryItemId) ?? null,
    });
    const before = parseChannelMetafieldValue(item.channelMetafield?.value);
    if (before && canonicalChannelMetafieldValue(item.channelMetafield?.value) === value) continue;
    const changes: ChannelChange[] = [];
    for (const [channel, after] of Object.entries(ats)) {
      const previous = before?.[channel];
      if (previous && previous.available === after.available && previous.paused === after.paused) continue;
      changes.push({ channel, before: previous?.available ?? null, after: after.available, reason: channelReason(channelPlans.get(levelKey(item.inventoryItemId, channel)), after) });
    }
    metafields.push({
      inventoryItemId: item.inventoryItemId,
      sku: item.sku,
      variantId: item.variantId,
      value,
      compareDigest: item.channelMetafield?.compareDigest ?? null,
      previousValue: item.channelMetafield?.value ?? null,
      changes,
    });
  }
  return { plan, levels, moves, metafields, channelStates };
}

/** A bundle to plan: its components name their variants too, for the value the checkout Function reads. */
export interface PlannedBundle extends BundleInput {
  readonly components: readonly (BundleInput["components"][number] & { readonly variantId: string })[];
}

/** The plan with each bundle's channel numbers added, derived from its components' (./bundles.ts). */
function withBundles(plan: Plan, bundles: readonly PlannedBundle[]): Plan {
  if (bundles.length === 0) return plan;
  const byItem = new Map<string, ChannelPlan[]>();
  for (const channel of plan.channels) {
    const list = byItem.get(channel.item);
    if (list === undefined) byItem.set(channel.item, [channel]);
    else list.push(channel);
  }
  return { levels: plan.levels, channels: [...plan.channels, ...bundles.flatMap((bundle) => bundleChannelPlans(bundle, byItem))] };
}

/**
 * Per bundle, each component's checkout-channel number and units per bundle, published with the
 * bundle so the checkout Function can add up a cart's demand on a component across bundle lines
 * and the component's own lines (it cannot read a component that is not in the cart). Units every
 * checkout holds of the component are taken off; each listed holder gets its own back under its
 * hold key (docs/decisions/019, 034 "Holds").
 */
function publishedComponentsOf(plan: Plan, bundles: readonly PlannedBundle[], holds: ReadonlyMap<string, CheckoutHolds> | undefined): Map<string, PublishedComponent[]> {
  const out = new Map<string, PublishedComponent[]>();
  if (bundles.length === 0) return out;
  const checkout = new Map(plan.channels.filter((channel) => channel.channel === CHECKOUT_CHANNEL).map((channel) => [channel.item, channel]));
  for (const bundle of bundles) {
    const listed: ComponentForCheckout[] = [];
    for (const component of bundle.components) {
      const planned = checkout.get(component.inventoryItemId);
      if (!planned) continue;
      const running = holds?.get(component.inventoryItemId);
      listed.push({ variantId: component.variantId, quantity: component.quantity, planned, held: running?.held ?? 0, keys: running?.keys ?? {} });
    }
    // Each holder gets its own units back under its hold key (./bundles.ts componentsForCheckout).
    out.set(bundle.inventoryItemId, componentsForCheckout(listed));
  }
  return out;
}

/** A channel's number for one variant, as last planned (sync state). */
export interface ChannelStateView {
  readonly inventoryItemId: string;
  readonly channel: string;
  readonly available: number;
  readonly paused: boolean;
}

export type PublicationStep =
  | {
      readonly action: "unpublish";
      readonly channel: string;
      readonly publicationId: string;
      readonly reason: string;
    }
  | { readonly action: "publish"; readonly channel: string; readonly publicationId: string; readonly reason: string };

/**
 * Publications of one product (docs/decisions/007, "Publications"): Safestock hides a product from a
 * ruled channel only when the merchant paused that channel (`paused: true`) and no variant may sell
 * there, and brings it back when one may, only if Safestock was the one that hid it. A channel whose
 * number fell to 0 for every variant (sold out, under `pauseBelow`, kept for higher tiers) stays
 * published with 0 listed: stock that returns (a restock, a cancellation) resumes with the number
 * alone, instead of an unpublish and a republish each time, which a marketplace connector turns
 * into ending and relisting the listing. An unpublish is only worth asking Shopify about when the
 * product just stopped selling here (or was never seen); reconciliation always asks, to catch
 * drift. The writer checks that the product is published on the channel before unpublishing it.
 */
export function planProductPublications(input: {
  readonly channels: readonly { readonly handle: string; readonly publicationId: string; readonly pausedByMerchant: boolean }[];
  readonly ruledChannels: ReadonlySet<string>;
  /** Every variant's channel state after this run's plan. */
  readonly states: readonly ChannelStateView[];
  /** Channel states before this run, for the items this run planned. */
  readonly previous: ReadonlyMap<string, ChannelStateView>;
  readonly batchItems: ReadonlySet<string>;
  /** Publications Safestock itself unpublished this product from. */
  readonly hiddenByUs: ReadonlySet<string>;
  readonly alwaysCheck: boolean;
}): PublicationStep[] {
  const steps: PublicationStep[] = [];
  for (const channel of input.channels) {
    if (!input.ruledChannels.has(channel.handle)) continue;
    const forChannel = input.states.filter((state) => state.channel === channel.handle);
    if (forChannel.length === 0) continue;
    const sellable = forChannel.some((state) => state.available > 0 && !state.paused);
    const hidden = input.hiddenByUs.has(channel.publicationId);
    if (!sellable && !hidden && channel.pausedByMerchant) {
      const earlier = forChannel.map((state) =>
        input.batchItems.has(state.inventoryItemId) ? input.previous.get(`${state.inventoryItemId}|${state.channel}`) : state,
      );
      const wasSellable = earlier.some((state) => state && state.available > 0 && !state.paused);
      const seenBefore = earlier.every(Boolean);
      if (!input.alwaysCheck && seenBefore && !wasSellable) continue;
      steps.push({ action: "unpublish", channel: channel.handle, publicationId: channel.publicationId, reason: "channel paused" });
    } else if (sellable && hidden) {
      steps.push({ action: "publish", channel: channel.handle, publicationId: channel.publicationId, reason: "stock available for this channel again" });
    }
  }
  return steps;
}
