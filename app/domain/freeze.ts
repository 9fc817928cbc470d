/**
 * Webhook-health freeze (docs/decisions/009): while Shopify's updates are late or missing, our view
 * of stock may be behind, so low-stock items stop selling on lower-tier channels until the
 * feed recovers. Pure: the caller decides when the shop is frozen.
 */
import type { ChannelPlan, Plan } from "./types";

export interface FreezeOptions {
  /** Tier per channel handle; channels of tier 1 (or without a tier) keep selling. */
  readonly tiers: ReadonlyMap<string, number>;
  /** An item is low on stock on a channel when its pool is below this. */
  readonly lowStockBelow: number;
  readonly reason: string;
}

export function freezeLowStockChannels(plan: Plan, options: FreezeOptions): Plan {
  const channels: ChannelPlan[] = plan.channels.map((channel) => {
    const tier = options.tiers.get(channel.channel) ?? 1;
    if (tier <= 1 || channel.pool >= options.lowStockBelow || channel.available === 0) return channel;
    return {
      ...channel,
      available: 0,
      paused: true,
      explain: [
        ...channel.explain,
        {
          rule: "webhook_freeze",
          scope: channel.channel,
          units: channel.available,
          reason: `frozen while ${options.reason}: pool ${channel.pool} < ${options.lowStockBelow}`,
        },
      ],
    };
  });
  return { levels: plan.levels, channels };
}
