/**
 * What the final Shopify state must be, computed independently of the pipeline: the emulated
 * shop's own state, fed straight to the rules engine. Tests compare Shopify (after the queue
 * drains) with this. Every level and variant is identified by its inventory item (SKUs may be
 * shared or blank); tests with hand-computed numbers check the engine itself.
 */
import { compilePolicy, planAvailability, type Plan, type Policy } from "~/domain";
import { channelMetafieldValue, channelAtsByItem } from "~/domain/inventory-writes";
import { channelHandle } from "~/models/catalog.server";
import type { ShopStateSnapshot } from "../../sandbox";

export function expectedPlan(state: ShopStateSnapshot, policy: Policy, now: Date): Plan {
  const locations = new Map(state.locations.map((location) => [location.id, location]));
  const products = new Map(state.products.map((product) => [product.id, product]));
  const skuOf = new Map(state.inventoryItems.map((item) => [item.id, item.sku]));
  return planAvailability(
    compilePolicy(policy),
    {
      syncLagMinutes: 1,
      levels: state.inventoryLevels
        .filter((level) => level.isActive && locations.get(level.locationId)?.isActive)
        .map((level) => ({
          item: level.inventoryItemId,
          sku: skuOf.get(level.inventoryItemId)!,
          location: locations.get(level.locationId)!.name,
          onHand: level.quantities.on_hand,
          committed: level.quantities.committed,
          reserved: level.quantities.reserved,
          damaged: level.quantities.damaged,
          qualityControl: level.quantities.quality_control,
          incoming: level.quantities.incoming,
        })),
      items: state.variants.map((variant) => ({
        item: variant.inventoryItemId,
        sku: variant.sku,
        product: products.get(variant.productId)?.title,
        tags: products.get(variant.productId)?.tags ?? [],
        unitsPerMinute: 0,
      })),
      channels: state.publications.map((publication) => channelHandle(publication.name)),
      // Online channels draw only on locations that fulfil online orders (docs/decisions/012 § Sales channels).
      locations: state.locations
        .filter((location) => location.isActive)
        .map((location) => ({ name: location.name, fulfillsOnlineOrders: location.fulfillsOnlineOrders })),
    },
    { now: now.toISOString() },
  );
}

/** Every level's safety_stock and every variant's channel metafield that differ from the plan. */
export function differencesFromPlan(state: ShopStateSnapshot, plan: Plan): string[] {
  const problems: string[] = [];
  const locations = new Map(state.locations.map((location) => [location.id, location.name]));
  const skuOf = new Map(state.inventoryItems.map((item) => [item.id, item.sku]));
  const targets = new Map(plan.levels.map((level) => [`${level.item}|${level.location}`, level]));
  for (const level of state.inventoryLevels) {
    const target = targets.get(`${level.inventoryItemId}|${locations.get(level.locationId)}`);
    if (!target) continue;
    if (level.quantities.safety_stock !== target.safetyStock || level.quantities.available !== target.available) {
      problems.push(
        `${skuOf.get(level.inventoryItemId) || "(no SKU)"} (${level.inventoryItemId}) at ${locations.get(level.locationId)}: safety_stock ${level.quantities.safety_stock} (want ${target.safetyStock}), available ${level.quantities.available} (want ${target.available})`,
      );
    }
  }
  const ats = channelAtsByItem(plan.channels);
  for (const variant of state.variants) {
    const metafield = state.metafields.find((m) => m.ownerId === variant.id && m.key === "channels" && m.namespace === "safestock");
    const want = ats.get(variant.inventoryItemId);
    if (!want) continue;
    // A variant that keeps selling when out of stock says so to the checkout Function (docs/decisions/019).
    const wantValue = channelMetafieldValue(want, { continueSelling: variant.inventoryPolicy === "CONTINUE" });
    if (metafield?.value !== wantValue) problems.push(`${variant.sku || "(no SKU)"} (${variant.id}) metafield: ${metafield?.value ?? "missing"} (want ${wantValue})`);
  }
  return problems;
}
