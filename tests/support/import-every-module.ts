/**
 * Run in a fresh process by tests/import-starts-nothing.test.ts: imports every app module given on
 * the command line and prints, as one JSON line, what failed to import and which resources
 * (timers, sockets, file handles) the process holds before and after.
 */
import { pathToFileURL } from "node:url";

const before = process.getActiveResourcesInfo();
const failures: { file: string; error: string }[] = [];
for (const file of process.argv.slice(2)) {
  try {
    await import(pathToFileURL(file).href);
  } catch (error) {
    failures.push({ file, error: error instanceof Error ? error.message : String(error) });
  }
}
// Let anything started without awaiting (a connection, a first query, a timer) show itself: two
// turns of the event loop, so that work queued by a microtask of an import has been issued.
for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
// The module loader's own one-shot file reads and closes (FSReqCallback, FSReqPromise, CloseReq;
// Node 22 closes loaded files asynchronously) finish on their own: wait until they have, a bounded
// time (5 s at most: on a busy machine a file close can take longer than a thousand loop turns, as
// a CI run showed), so what is left is what an import started and kept. Each wait's timer has
// fired before the snapshot, so the waiting itself leaves nothing behind.
const oneShotFileRequests = /^(FSReqCallback|FSReqPromise|CloseReq)$/;
const waitUntil = Date.now() + 5_000;
while (Date.now() < waitUntil && process.getActiveResourcesInfo().some((kind) => oneShotFileRequests.test(kind))) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
const after = process.getActiveResourcesInfo();
process.stdout.write(`${JSON.stringify({ failures, before, after })}\n`);
