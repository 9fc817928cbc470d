/**
 * shop/redact erases the queue's records of the shop too (issue 22: it left BullMQ job records).
 * The configured queue here (the embedded Job table; BullMQ under the CI's PostgreSQL profile);
 * BullMQ's Redis keys themselves in tests/redaction-queue-bullmq.test.ts.
 */
import { describe, expect, it } from "vitest";
import { jobQueue } from "~/services/jobs.server";
import { reportFigure } from "./support/chaos-figures";
import { OTHER, redactWithQueueRecords } from "./support/redaction";

describe("shop/redact purges the queue's records", { timeout: 60_000 }, () => {
  it("no Job row of the shop is left (pending, dead, waiting); another shop's job stays", async () => {
    const shop = "redacted-embedded.myshopify.com";
    await redactWithQueueRecords(shop);
    const left = (await jobQueue().stats(shop)).total;
    const bystander = (await jobQueue().stats(OTHER)).total;
    reportFigure("redact-queue", `${left} queue record(s) of the shop left (3 before: pending, dead, waiting); another shop's ${bystander} kept`);
    // Through the queue port (the CI's PostgreSQL profile runs this file on BullMQ as well).
    expect((await jobQueue().stats(shop)).total).toBe(0);
    expect((await jobQueue().stats(OTHER)).total).toBe(1);
  });
});
