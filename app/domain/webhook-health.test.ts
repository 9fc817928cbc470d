import { describe, expect, it } from "vitest";
import { assessWebhookHealth, type DeliverySample } from "./webhook-health";

const now = Date.parse("2026-11-23T12:00:00Z");
const at = (minutesAgo: number, topic: string, lagMinutes = 0): DeliverySample => ({
  topic,
  receivedAt: now - minutesAgo * 60_000,
  triggeredAt: now - (minutesAgo + lagMinutes) * 60_000,
});

describe("assessWebhookHealth", () => {
  it("is healthy when orders and inventory updates both flow promptly", () => {
    expect(assessWebhookHealth([at(1, "orders/create"), at(1, "inventory_levels/update"), at(2, "orders/create"), at(3, "orders/create")], now)).toEqual({ healthy: true });
  });

  it("flags inventory updates going quiet while orders keep arriving", () => {
    const health = assessWebhookHealth([at(1, "orders/create"), at(2, "orders/create"), at(3, "orders/create"), at(30, "inventory_levels/update")], now);
    expect(health).toEqual({ healthy: false, reason: "inventory updates stopped while 3 orders arrived" });
  });

  it("flags deliveries arriving late", () => {
    const health = assessWebhookHealth([at(1, "inventory_levels/update", 12), at(2, "inventory_levels/update", 11)], now);
    expect(health).toEqual({ healthy: false, reason: "Shopify's updates arrive 12 minutes late" });
  });

  it("counts only the orders that arrived after the last inventory update", () => {
    const feed = [at(10, "inventory_levels/update"), at(9, "orders/create"), at(8, "orders/create"), at(5, "inventory_levels/update"), at(1, "orders/create")];
    expect(assessWebhookHealth(feed, now)).toEqual({ healthy: true });
  });

  it("ignores deliveries outside the window", () => {
    expect(assessWebhookHealth([at(40, "inventory_levels/update", 60)], now)).toEqual({ healthy: true });
  });
});
