import { describe, expect, it } from "vitest";
import { assessWebhookHealth, DEFAULT_HEALTH_THRESHOLDS, describeClockSkew, type DeliverySample } from "./webhook-health";

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

  it("counts lag net of our clock's skew: a server 6 minutes ahead is not Shopify being late (issue 22)", () => {
    // Received 6 minutes after their trigger by our clock, which runs 6 minutes ahead of Shopify's.
    const skewed = [at(1, "orders/create", 6), at(1, "inventory_levels/update", 6), at(2, "inventory_levels/update", 6)];
    expect(assessWebhookHealth(skewed, now)).toEqual({ healthy: false, reason: "Shopify's updates arrive 6 minutes late" });
    expect(assessWebhookHealth(skewed, now, DEFAULT_HEALTH_THRESHOLDS, 6 * 60_000)).toEqual({ healthy: true });
    // Late by 8 minutes of Shopify's time, on a clock 6 minutes behind: still 8 minutes late.
    const late = [at(1, "inventory_levels/update", 2), at(2, "inventory_levels/update", 2)];
    expect(assessWebhookHealth(late, now, DEFAULT_HEALTH_THRESHOLDS, -6 * 60_000)).toEqual({ healthy: false, reason: "Shopify's updates arrive 8 minutes late" });
  });

  it("names the skew as the server's clock", () => {
    expect(describeClockSkew(6 * 60_000)).toBe("this server's clock is 6 minutes ahead of Shopify's");
    expect(describeClockSkew(-60_000)).toBe("this server's clock is 1 minute behind Shopify's");
    expect(describeClockSkew(20_000)).toBeNull();
  });
});
