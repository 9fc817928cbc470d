import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedis } from "~/jobs/redis.server";
import { claimWindow } from "./cluster-schedule.server";

const prefix = `schedule-test-${randomBytes(4).toString("hex")}`;
const processes = [createRedis(), createRedis(), createRedis()];

afterAll(async () => {
  const keys = await processes[0].keys(`${prefix}:*`);
  if (keys.length > 0) await processes[0].del(...keys);
  await Promise.all(processes.map((redis) => redis.quit()));
});

describe("scheduled work across the cluster", () => {
  it("one of three processes ticking in the same window claims it; the next window is claimed again once", async () => {
    const interval = 60_000;
    const tick = new Date("2026-11-30T12:00:10.000Z");
    const sameWindow = new Date("2026-11-30T12:00:50.000Z"); // another process, started later
    const nextWindow = new Date("2026-11-30T12:01:05.000Z");
    const first = await Promise.all(processes.map((redis, index) => claimWindow(redis, prefix, "scheduler", index === 2 ? sameWindow : tick, interval)));
    expect(first.filter(Boolean)).toHaveLength(1);
    const second = await Promise.all(processes.map((redis) => claimWindow(redis, prefix, "scheduler", nextWindow, interval)));
    expect(second.filter(Boolean)).toHaveLength(1);
  });
});
