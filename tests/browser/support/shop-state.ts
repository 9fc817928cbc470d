import { SANDBOX_SHOP_DOMAIN } from "../../../sandbox";
import type { SandboxStack } from "../../../sandbox/stack";

/** The safety_stock the emulated shop holds for the variant with this SKU at this location (by name). */
export function safetyStockAt(stack: SandboxStack, sku: string, locationName: string): number {
  const state = stack.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot();
  const variant = state.variants.find((entry) => entry.sku === sku)!;
  const location = state.locations.find((entry) => entry.name === locationName)!;
  return state.inventoryLevels.find((level) => level.inventoryItemId === variant.inventoryItemId && level.locationId === location.id)!.quantities.safety_stock;
}
