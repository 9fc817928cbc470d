import { addToScopeIndex, describeScope, emptyScopeIndex, type ScopeIndex } from "./scope";
import { parseInstant } from "./time";
import type {
  ChannelRule,
  DisplayRule,
  Policy,
  QuarantineRule,
  ReleaseGateRule,
  SafetyStockRule,
  VelocityBufferRule,
} from "./types";

/** A rule plus what the hot path needs precomputed: its position (for caches) and its scope in words. */
export interface CompiledRule<R> {
  readonly id: number;
  readonly rule: R;
  readonly scopeText: string;
}

export interface CompiledQuarantine extends CompiledRule<QuarantineRule> {
  /** Release waves as epoch ms, sorted by time. */
  readonly releases: readonly { readonly at: number; readonly atText: string; readonly units: number }[];
}

export interface CompiledChannel {
  readonly channel: string;
  readonly rule: ChannelRule | undefined;
  /** undefined = draws from every location. */
  readonly locations: ReadonlySet<string> | undefined;
  /** Set when planning: locations left out because the channel's orders cannot be filled there. */
  readonly unreachable?: readonly { readonly location: string; readonly because: string }[];
  /** Set when planning with `unreachable`: "at Warehouse; Soho store does not fulfil online orders". */
  readonly reachText?: string;
}

export interface CompiledPolicy {
  readonly policy: Policy;
  readonly safetyStock: ScopeIndex<CompiledRule<SafetyStockRule>>;
  readonly velocityBuffer: ScopeIndex<CompiledRule<VelocityBufferRule>>;
  readonly releaseGate: ScopeIndex<CompiledRule<ReleaseGateRule>>;
  /** sku → location → rule. */
  readonly display: ReadonlyMap<string, ReadonlyMap<string, CompiledRule<DisplayRule>>>;
  /** Validation allows a SKU in at most one quarantine. */
  readonly quarantineBySku: ReadonlyMap<string, CompiledQuarantine>;
  readonly channels: readonly CompiledChannel[];
  readonly ruleCount: number;
}

/**
 * Indexes a validated policy by scope once, so planning many SKUs (or one inventory item at a
 * time from the sync pipeline) costs map lookups instead of scanning every rule per level.
 * The policy must have passed `checkPolicy`; this function does not re-check it.
 */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const safetyStock = emptyScopeIndex<CompiledRule<SafetyStockRule>>();
  const velocityBuffer = emptyScopeIndex<CompiledRule<VelocityBufferRule>>();
  const releaseGate = emptyScopeIndex<CompiledRule<ReleaseGateRule>>();
  const display = new Map<string, Map<string, CompiledRule<DisplayRule>>>();
  const quarantineBySku = new Map<string, CompiledQuarantine>();

  policy.protection.forEach((rule, id) => {
    switch (rule.kind) {
      case "safety_stock":
        addToScopeIndex(safetyStock, rule, { id, rule, scopeText: describeScope(rule) });
        break;
      case "velocity_buffer":
        addToScopeIndex(velocityBuffer, rule, { id, rule, scopeText: describeScope(rule) });
        break;
      case "release_gate":
        addToScopeIndex(releaseGate, rule, { id, rule, scopeText: describeScope(rule) });
        break;
      case "display": {
        let byLocation = display.get(rule.sku);
        if (byLocation === undefined) display.set(rule.sku, (byLocation = new Map()));
        byLocation.set(rule.location, { id, rule, scopeText: describeScope(rule) });
        break;
      }
      case "quarantine": {
        const releases = (rule.releases ?? [])
          .map((wave) => ({ at: parseInstant(wave.at) ?? Number.POSITIVE_INFINITY, atText: wave.at, units: wave.units }))
          .sort((a, b) => a.at - b.at);
        const where = rule.locations === undefined ? "" : ` at ${rule.locations.join(", ")}`;
        const compiled: CompiledQuarantine = { id, rule, releases, scopeText: `SKUs ${rule.skus.join(", ")}${where}` };
        for (const sku of rule.skus) quarantineBySku.set(sku, compiled);
        break;
      }
    }
  });

  const channels = policy.channels.map(
    (rule): CompiledChannel => ({
      channel: rule.channel,
      rule,
      locations: rule.locations === undefined ? undefined : new Set(rule.locations),
    }),
  );

  return {
    policy,
    safetyStock,
    velocityBuffer,
    releaseGate,
    display,
    quarantineBySku,
    channels,
    ruleCount: policy.protection.length,
  };
}
