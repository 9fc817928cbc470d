/**
 * shop/redact erases the queue's records of the shop too (issue 22: it left BullMQ job records).
 * The embedded queue here (its Job table); BullMQ in tests/redaction-queue-bullmq.test.ts.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { OTHER, redactWithQueueRecords } from "./support/redaction";

describe("shop/redact purges the embedded queue's records", { timeout: 60_000 }, () => {
  it("no Job row of the shop is left (pending, dead, waiting); another shop's job stays", async () => {
    const shop = "redacted-embedded.myshopify.com";
    await redactWithQueueRecords(shop);
    expect(await prisma.job.count({ where: { shop } })).toBe(0);
    expect(await prisma.job.count({ where: { shop: OTHER } })).toBe(1);
  });
});
