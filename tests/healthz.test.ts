/**
 * Issue 22: /healthz answered 200 with a read-only database, and the app needed a restart once the
 * file was writable again. Now it makes a real write, reads the worker's heartbeat and the queue's
 * oldest due job, answers 503 with reasons, and recovers without a restart.
 */
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { WORKER_HEARTBEAT, writeHeartbeat } from "~/models/health.server";
import { loader as healthz } from "~/routes/healthz";
import { QUEUE_STUCK_MS, WORKER_STALE_MS } from "~/services/health.server";
import { reportFigure } from "./support/chaos-figures";
import { waitFor } from "./support/wait-for";

async function health() {
  const response = await healthz();
  return { status: response.status, body: await response.text() };
}

/**
 * The database file. Its WAL companions stay writable: SQLite maps the -shm file, and a mapping
 * that cannot be written ends the process with SIGBUS, which is a different fault.
 */
function databaseFiles(): string[] {
  const url = process.env.DATABASE_URL!;
  return [url.startsWith("file:") ? url.slice("file:".length) : fileURLToPath(url)];
}

/** Read-only for this process: chmod for a normal user; root ignores modes, so the immutable attribute. */
function setReadOnly(files: string[], readOnly: boolean) {
  const root = process.getuid?.() === 0;
  for (const file of files) {
    if (root) execFileSync("chattr", [readOnly ? "+i" : "-i", file]);
    else chmodSync(file, readOnly ? 0o444 : 0o644);
  }
}

let locked: string[] = [];
afterEach(() => {
  if (locked.length) setReadOnly(locked, false);
  locked = [];
});

describe("/healthz", () => {
  it("answers 200 when the database takes a write, a worker reported lately and no due job waits long", async () => {
    await writeHeartbeat(WORKER_HEARTBEAT);
    expect(await health()).toEqual({ status: 200, body: "ok" });
  });

  it("answers 503 with the reason when the worker is silent or the queue is stuck", async () => {
    await writeHeartbeat(WORKER_HEARTBEAT, new Date(Date.now() - WORKER_STALE_MS - 5_000));
    const silent = await health();
    expect(silent.status).toBe(503);
    expect(silent.body).toMatch(/worker last seen \d+ s ago/);

    await writeHeartbeat(WORKER_HEARTBEAT);
    const job = await prisma.job.create({ data: { shop: "healthz.myshopify.com", queue: "reconcile", payload: "{}", runAt: new Date(Date.now() - QUEUE_STUCK_MS - 60_000) } });
    const stuck = await health();
    expect(stuck.status).toBe(503);
    expect(stuck.body).toMatch(/queue not moving: a due job has waited \d+ s/);
    await prisma.job.delete({ where: { id: job.id } });
    expect((await health()).status).toBe(200);
  });

  it("goes 503 while the database file is read-only and back to 200 once it is writable, without a restart", async () => {
    await writeHeartbeat(WORKER_HEARTBEAT);
    expect((await health()).status).toBe(200);
    locked = databaseFiles();
    setReadOnly(locked, true);
    const madeReadOnly = Date.now();
    // The connection is reopened while the file is read-only (as after a reconnect or a restart
    // during the fault): SQLite then opens it read-only and never upgrades by itself.
    await prisma.$disconnect();
    const readOnly = await waitFor(async () => {
      const answer = await health();
      return answer.status === 503 ? answer : null;
    }, { what: "healthz answering 503 on a read-only database" });
    const unhealthyAfter = Date.now() - madeReadOnly;
    expect(readOnly.body).toContain("database not writable");

    setReadOnly(locked, false);
    locked = [];
    const madeWritable = Date.now();
    const recovered = await waitFor(async () => ((await health()).status === 200 ? true : null), { what: "healthz back to 200 after the file is writable" });
    reportFigure("read-only-db", `503 (${readOnly.body.trim()}) ${unhealthyAfter} ms after the file went read-only; 200 ${Date.now() - madeWritable} ms after it was writable, same process`);
    expect(recovered).toBe(true);
    // Writes work again for the rest of the app too.
    await writeHeartbeat("after-recovery");
  });
});
