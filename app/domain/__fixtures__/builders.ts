import { compilePolicy, type CompiledPolicy } from "../compile-policy";
import type { ChannelRule, Item, Level, Policy, ProtectionRule, Snapshot } from "../types";

/** A level with every Shopify quantity at 0 unless given. */
export function level(sku: string, location: string, quantities: Partial<Omit<Level, "sku" | "location">> = {}): Level {
  return { sku, location, onHand: 0, committed: 0, reserved: 0, damaged: 0, qualityControl: 0, incoming: 0, ...quantities };
}

export function policy(protection: readonly ProtectionRule[], channels: readonly ChannelRule[] = []): Policy {
  return { version: 1, protection, channels };
}

export function compiled(protection: readonly ProtectionRule[], channels: readonly ChannelRule[] = []): CompiledPolicy {
  return compilePolicy(policy(protection, channels));
}

export function snapshot(levels: readonly Level[], extra: Partial<Omit<Snapshot, "levels">> = {}): Snapshot {
  return { syncLagMinutes: 5, levels, ...extra };
}

export const RING: Item = { sku: "RING-7", product: "Ring", tags: ["bestseller", "gift"], unitsPerMinute: 0.5 };
