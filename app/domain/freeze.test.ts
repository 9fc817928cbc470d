import { describe, expect, it } from "vitest";
import { freezeLowStockChannels } from "./freeze";
import type { ChannelPlan, Plan } from "./types";

const channel = (name: string, pool: number, available: number): ChannelPlan => ({
  item: "RING-7",
  sku: "RING-7",
  channel: name,
  pool,
  available,
  paused: false,
  explain: pool > available ? [{ rule: "allocation", scope: name, units: pool - available, reason: "share" }] : [],
});

describe("freezeLowStockChannels", () => {
  const plan: Plan = { levels: [], channels: [channel("online_store", 6, 6), channel("marketplace", 6, 3), channel("wholesale", 40, 20)] };
  const frozen = freezeLowStockChannels(plan, {
    tiers: new Map([["online_store", 1], ["marketplace", 2], ["wholesale", 3]]),
    lowStockBelow: 10,
    reason: "inventory updates are late",
  });

  it("stops low-stock SKUs on lower tiers and explains every unit", () => {
    const marketplace = frozen.channels.find((c) => c.channel === "marketplace")!;
    expect(marketplace).toMatchObject({ available: 0, paused: true });
    expect(marketplace.explain.reduce((sum, line) => sum + line.units, 0)).toBe(marketplace.pool);
    expect(marketplace.explain.at(-1)?.reason).toBe("frozen while inventory updates are late: pool 6 < 10");
  });

  it("leaves the top tier and well-stocked SKUs alone", () => {
    expect(frozen.channels.find((c) => c.channel === "online_store")!.available).toBe(6);
    expect(frozen.channels.find((c) => c.channel === "wholesale")!.available).toBe(20);
  });
});
