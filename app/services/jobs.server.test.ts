import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobQueue, NewJob } from "~/jobs/queue.server";
import { enqueueRecompute, enqueueWebhookDelivery, recomputeWindowMs, useBatchWindows, useJobQueue, webhookWindowMs } from "./jobs.server";

/** A queue that only records what it was asked to enqueue. */
function recordingQueue() {
  const enqueued: NewJob[] = [];
  const queue = {
    enqueue: async (job: NewJob) => {
      enqueued.push(job);
      return { id: String(enqueued.length), merged: false };
    },
    enqueueMany: async (jobs: NewJob[]) => {
      enqueued.push(...jobs);
      return jobs.map((_, i) => ({ id: String(i), merged: false }));
    },
  } as unknown as JobQueue;
  return { queue, enqueued };
}

describe("coalescing windows", () => {
  afterEach(() => {
    useBatchWindows(undefined);
    vi.useRealTimers();
  });

  it("reads the windows from the configuration, 0 under tests, production defaults otherwise", () => {
    const config = (NODE_ENV: "test" | "production", windows: { WEBHOOK_WINDOW_MS?: number; RECOMPUTE_WINDOW_MS?: number } = {}) => ({
      NODE_ENV,
      WEBHOOK_WINDOW_MS: windows.WEBHOOK_WINDOW_MS,
      RECOMPUTE_WINDOW_MS: windows.RECOMPUTE_WINDOW_MS,
    });
    expect(webhookWindowMs(config("test"))).toBe(0);
    expect(webhookWindowMs(config("production"))).toBe(200);
    expect(webhookWindowMs(config("production", { WEBHOOK_WINDOW_MS: 50 }))).toBe(50);
    expect(recomputeWindowMs(config("production"))).toBe(1_000);
    expect(recomputeWindowMs(config("production", { RECOMPUTE_WINDOW_MS: 0 }))).toBe(0);
  });

  it("makes deliveries recorded within one window due together, at its end", async () => {
    const { queue, enqueued } = recordingQueue();
    useJobQueue(queue);
    useBatchWindows({ NODE_ENV: "production", WEBHOOK_WINDOW_MS: 200, RECOMPUTE_WINDOW_MS: undefined });
    vi.useFakeTimers({ now: new Date("2026-11-30T12:00:00.010Z") });
    await enqueueWebhookDelivery("a.myshopify.com", "d1");
    vi.setSystemTime(new Date("2026-11-30T12:00:00.199Z"));
    await enqueueWebhookDelivery("a.myshopify.com", "d2");
    vi.setSystemTime(new Date("2026-11-30T12:00:00.200Z"));
    await enqueueWebhookDelivery("a.myshopify.com", "d3");
    expect(enqueued.map((job) => [job.key, job.queue, job.runAt?.toISOString()])).toEqual([
      ["d1", "webhook", "2026-11-30T12:00:00.200Z"],
      ["d2", "webhook", "2026-11-30T12:00:00.200Z"],
      ["d3", "webhook", "2026-11-30T12:00:00.400Z"],
    ]);
  });

  it("queues at once when the window is 0", async () => {
    const { queue, enqueued } = recordingQueue();
    useJobQueue(queue);
    useBatchWindows({ NODE_ENV: "production", WEBHOOK_WINDOW_MS: 0, RECOMPUTE_WINDOW_MS: 0 });
    await enqueueWebhookDelivery("a.myshopify.com", "d1");
    await enqueueRecompute("a.myshopify.com", ["gid://shopify/InventoryItem/1"]);
    expect(enqueued.map((job) => job.runAt)).toEqual([undefined, undefined]);
  });
});
