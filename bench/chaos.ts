/**
 * `npm run chaos`: the bad-day matrix of issue 22 that exists today, against the app as
 * `npm run start` serves it (remix-serve on the built app, its own SQLite file), from outside.
 * Prints a table (fault or attack → expected → observed figure) and writes it, dated, into
 * docs/reliability.md, and exits 1 when a row does not hold.
 *
 *   npm run chaos [-- --full]
 *
 * Two kinds of rows. `attacks` are made here from outside against the app process (HTTP, another
 * process on its database file, its environment). `suiteRows` are the faults that need the emulated
 * shop (Admin API hanging or failing, a skewed clock, checkout sessions, queue records): the tests
 * that defend them run under vitest with CHAOS_FIGURES set, each reports what it observed
 * (tests/support/chaos-figures.ts), and a row holds when its tests pass. The short profile (CI)
 * leaves out the browser test of session tokens and the kill -9 of a worker mid-publish, which
 * `--full` adds (`npm test` runs both anyway).
 */
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkPolicy } from "../app/domain/policy-check";
import { migrateDatabase } from "../sandbox/stack";
import { flood, memoryOf, startBuiltApp } from "./support/flood";
import { freePort } from "../tests/support/processes";
import { holdWriteLock } from "../tests/support/sqlite-faults";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECRET = "sandbox-api-secret";
const VICTIM = "victim.myshopify.com";
const ATTACKER = "attacker-dev.myshopify.com";
const full = process.argv.includes("--full");
const floodBytes = 100 * 1_000_000;
const LOCK_MS = 10_000;

interface Row {
  fault: string;
  expected: string;
  observed: string;
  holds: boolean;
}

interface Context {
  app: ChildProcess;
  port: number;
  databaseUrl: string;
  file: string;
  db: Database.Database;
}

const sign = (body: string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("base64");

async function deliver(context: Context, topic: string, body: string, options: { hmac?: string; shop?: string; triggeredAt?: Date } = {}) {
  const webhookId = `chaos-${randomUUID()}`;
  const response = await fetch(`http://127.0.0.1:${context.port}/webhooks/${topic}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": options.hmac ?? sign(body),
      "X-Shopify-Shop-Domain": options.shop ?? VICTIM,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": (options.triggeredAt ?? new Date()).toISOString(),
    },
  });
  const row = context.db.prepare("SELECT status, reason FROM WebhookDelivery WHERE webhookId = ?").get(webhookId) as { status: string; reason: string | null } | undefined;
  return { status: response.status, retryAfter: response.headers.get("Retry-After"), row };
}

const short = (text: string | null | undefined, length = 70) => (text && text.length > length ? `${text.slice(0, length)}…` : (text ?? ""));
const recorded = (row: { status: string; reason: string | null } | undefined) => (row ? `recorded ${row.status}: ${short(row.reason)}` : "not recorded");
const order = (id: number) => JSON.stringify({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, line_items: [], updated_at: new Date().toISOString() });

const attacks: Array<(context: Context) => Promise<Row>> = [
  async (context) => {
    const { status, row } = await deliver(context, "orders/create", order(1), { hmac: sign(order(1), "not-the-secret") });
    return { fault: "forged HMAC", expected: "401, nothing recorded", observed: `${status}, ${recorded(row)}`, holds: status === 401 && !row };
  },
  async (context) => {
    // A genuine shop/redact of the attacker's own store, replayed under the victim's domain.
    const body = JSON.stringify({ shop_id: 2, shop_domain: ATTACKER });
    const { status, row } = await deliver(context, "shop/redact", body, { shop: VICTIM });
    return { fault: "replayed delivery, shop header swapped", expected: "200, recorded refused, nothing erased", observed: `${status}, ${recorded(row)}`, holds: status === 200 && row?.status === "refused" };
  },
  async (context) => {
    const body = JSON.stringify({ id: 3, admin_graphql_api_id: "gid://shopify/Order/3", line_items: [], updated_at: new Date(Date.now() - 48 * 3_600_000).toISOString() });
    const { status, row } = await deliver(context, "orders/updated", body, { triggeredAt: new Date(Date.now() - 48 * 3_600_000) });
    return { fault: "stale delivery (48 h old, new ids)", expected: "200, recorded stale, not acted on", observed: `${status}, ${recorded(row)}`, holds: status === 200 && row?.status === "stale" };
  },
  async (context) => {
    const pid = context.app.pid!;
    const before = memoryOf(pid).rssMb;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(pid).rssMb)), 10);
    const started = Date.now();
    const posts = await Promise.all([false, false, true, true].map((declareLength) => flood(context.port, { declareLength, totalBytes: floodBytes })));
    clearInterval(sampler);
    // A declared-length post may see the connection closed under its writes before the 413 (flood()).
    const statuses = posts.map((post) => post.status ?? post.dropped ?? "no answer");
    return {
      fault: `oversized body: 4 parallel ${floodBytes / 1e6} MB unsigned posts`,
      expected: "413 each (or the connection closed under the writes), RSS growth < 100 MB",
      observed: `${statuses.join("/")} in ${((Date.now() - started) / 1000).toFixed(1)} s; RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(0)})`,
      holds: statuses.every((status) => status === 413 || status === "EPIPE" || status === "ECONNRESET") && peak - before < 100,
    };
  },
  async (context) => {
    const { status, row } = await deliver(context, "orders/create", '{"id": 4, "line_items": [');
    return { fault: "malformed JSON, valid HMAC", expected: "400, recorded refused (malformed)", observed: `${status}, ${recorded(row)}`, holds: status === 400 && row?.status === "refused" };
  },
  async (context) => {
    const { status, row } = await deliver(context, "inventory_levels/update", "null");
    return { fault: "`null` body, valid HMAC", expected: "400, recorded refused (malformed)", observed: `${status}, ${recorded(row)}`, holds: status === 400 && row?.status === "refused" };
  },
  async () => {
    const result = checkPolicy({ version: 1, protection: [{ kind: "safety_stock", units: 1e21 }], channels: [] }, { locations: new Map(), skus: new Set() });
    const problem = result.ok ? null : result.problems[0];
    return { fault: "input bounds: safety stock of 1e21", expected: "refused with a clear error", observed: problem ? `refused: ${problem.path}: ${short(problem.message, 60)}` : "accepted", holds: !result.ok };
  },
  async (context) => {
    // Shopify gives an ack 5 s; deliveries one after another while the lock is held.
    const holder = await holdWriteLock(context.file, LOCK_MS);
    let released = false;
    const exited = new Promise<void>((resolve) => holder.once("exit", () => resolve()));
    void exited.then(() => (released = true));
    const acks: { status: number; retryAfter: string | null; ms: number }[] = [];
    while (!released) {
      const started = Date.now();
      const { status, retryAfter } = await deliver(context, "inventory_levels/update", JSON.stringify({ inventory_item_id: 1, location_id: 2, available: 5, updated_at: new Date().toISOString() }));
      acks.push({ status, retryAfter, ms: Date.now() - started });
    }
    const sorted = acks.map((ack) => ack.ms).sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
    const max = sorted[sorted.length - 1]!;
    const refused = acks.filter((ack) => ack.status === 503);
    const other = acks.filter((ack) => ack.status !== 503).map((ack) => ack.status);
    return {
      fault: `another process holds SQLite's write lock for ${LOCK_MS / 1000} s (deliveries one after another)`,
      expected: "every ack < 2 s; 503 with Retry-After while locked",
      observed: `${acks.length} acks: p99 ${p99} ms, max ${max} ms; 503 ×${refused.length} (Retry-After ${[...new Set(refused.map((ack) => ack.retryAfter))].join("/")} s)${other.length ? `, then ${other.join("/")}` : ""}`,
      holds: max < 2_000 && refused.length > 0 && refused.every((ack) => ack.retryAfter !== null),
    };
  },
  async (context) => {
    // NODE_ENV=production on a public URL with the secret printed in this repository.
    const started = startBuiltApp({ port: await freePort(), databaseUrl: context.databaseUrl, secret: SECRET, build: false, appUrl: "https://safestock.example.com" });
    const outcome = await started.then(
      (app) => (app.kill("SIGKILL"), { refused: false, detail: "started and answered /healthz" }),
      (error: Error) => ({ refused: /published secret/.test(error.message), detail: short(/SHOPIFY_API_SECRET[^\n]*/.exec(error.message)?.[0] ?? error.message.split("\n")[0], 80) }),
    );
    return { fault: "the sandbox's published secret in production", expected: "the app refuses to start, naming the variable", observed: outcome.refused ? `refused: ${outcome.detail}` : outcome.detail, holds: outcome.refused };
  },
  async (context) => {
    // The default deployment: the worker and scheduler inside the web process.
    const app = await startBuiltApp({ port: await freePort(), databaseUrl: context.databaseUrl, secret: SECRET, embeddedWorker: true, build: false });
    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => app.once("exit", (code) => resolve(code)));
    app.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000))]);
    const ms = Date.now() - started;
    if (code === "timeout") app.kill("SIGKILL");
    return { fault: "SIGTERM to the web process (worker inside)", expected: "exits on its own within 10 s", observed: code === "timeout" ? "still running after 10 s" : `exited (${code}) after ${ms} ms`, holds: code !== "timeout" };
  },
];

/** A row whose fault needs the emulated shop: the tests (matched by file and name) that defend it, and the figure they report. */
interface SuiteRow {
  id: string;
  fault: string;
  expected: string;
  file: string;
  test?: string;
  browser?: boolean;
  fullOnly?: boolean;
}

const suiteRows: SuiteRow[] = [
  { id: "hung-admin", file: "tests/outbound-timeouts.test.ts", fault: "Admin API requests never answered (3 hung) during a publish", expected: "each aborted at the timeout (300 ms), job retried, levels reach the policy within ~6 s" },
  { id: "admin-5xx", file: "tests/shopify-failing.test.ts", fault: "Admin API failing during a publish (2 × 503, then 1 request never answered)", expected: "admin shows the failures with kinds and counts, \"Shopify recovered\" (not \"failing\") once it answers again; levels reach the policy" },
  { id: "read-only-db", file: "tests/healthz.test.ts", test: "read-only", fault: "database file read-only (chattr +i / chmod), connection reopened", expected: "/healthz 503 naming the database, 200 again once writable, no restart" },
  { id: "clock-skew", file: "tests/clock-skew.test.ts", fault: "server clock 6 min ahead of Shopify's", expected: "skew measured from Shopify's Date (≈ 360 s), no shop frozen" },
  { id: "holds-17-tokens", file: "tests/holds-abuse.test.ts", fault: "one checkout session, 17 invented checkoutTokens of 1 unit", expected: "units held ≤ its cart's (1); a real buyer served" },
  { id: "shared-process-state", file: "tests/shared-process-state.test.ts", fault: "two web processes: one checkout session's hold requests split between them; the clock skew measured by one", expected: "30 hold requests a minute accepted across both (not 30 each); the other process reads the same skew" },
  { id: "holds-1mb-token", file: "tests/holds-abuse.test.ts", fault: "1 MB checkoutToken at /api/holds (and one of 257 characters)", expected: "413 while read (64 KB body limit); 400 over 256 characters; nothing stored" },
  { id: "poison", file: "tests/webhook-intake-bounds.test.ts", test: "poison deliveries", fault: "poison delivery (signed, valid JSON, an order line that is null)", expected: "parked with its reason after one attempt, not retried, no dead job" },
  { id: "redact-queue", file: "tests/redaction-queue.test.ts", fault: "shop/redact with queue records left (pending, dead, waiting)", expected: "0 of the shop's records left; another shop's kept" },
  { id: "id-token", file: "tests/browser/session-token-exposure.test.ts", browser: true, fullOnly: true, fault: "session token (id_token) in page URLs, forms and the access log", expected: "0 found" },
  { id: "kill-9", file: "tests/worker-restart.test.ts", fullOnly: true, fault: "kill -9 of the worker mid-publish (300 variants), restarted", expected: "no idempotent write applied twice; policy reached within 10 s of the restart; no dead job" },
];

interface VitestReport {
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

/** Runs the tests of `rows` under one vitest config; returns each row's outcome. */
async function runSuite(rows: SuiteRow[], config: string, dir: string): Promise<Row[]> {
  const figures = path.join(dir, `figures-${path.basename(config)}.jsonl`);
  const report = path.join(dir, `report-${path.basename(config)}.json`);
  const files = [...new Set(rows.map((row) => row.file))];
  const child = spawn(path.join(root, "node_modules/.bin/vitest"), ["run", "--config", config, "--reporter=json", `--outputFile.json=${report}`, "--reporter=dot", ...files], {
    cwd: root,
    env: { ...process.env, CHAOS_FIGURES: figures },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString("utf8")).slice(-6_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const results: VitestReport = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")) : { testResults: [] };
  const observed = new Map<string, string[]>();
  for (const line of existsSync(figures) ? readFileSync(figures, "utf8").split("\n").filter(Boolean) : []) {
    const { row, observed: text } = JSON.parse(line) as { row: string; observed: string };
    observed.set(row, [...(observed.get(row) ?? []), text]);
  }
  const outcome = rows.map((row) => {
    const tests = results.testResults.filter((file) => file.name.endsWith(row.file)).flatMap((file) => file.assertionResults).filter((test) => !row.test || test.fullName.includes(row.test));
    const passed = tests.length > 0 && tests.every((test) => test.status === "passed");
    const figure = observed.get(row.id)?.join("; ");
    const verdict = passed ? "" : ` (tests: ${tests.length ? tests.map((test) => test.status).join("/") : "none ran"})`;
    return { fault: row.fault, expected: row.expected, observed: `${figure ?? "no figure reported"}${verdict}`, holds: passed && figure !== undefined };
  });
  if (outcome.some((row) => !row.holds)) console.error(`vitest (${path.basename(config)}) exited ${code}:\n${output}`);
  return outcome;
}

function table(rows: Row[]): string {
  const lines = ["| fault or attack | expected | observed | holds |", "| --- | --- | --- | --- |"];
  for (const row of rows) lines.push(`| ${row.fault} | ${row.expected} | ${row.observed.replace(/\|/g, "\\|")} | ${row.holds ? "yes" : "**no**"} |`);
  return lines.join("\n");
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "safestock-chaos-"));
  const file = path.join(dir, "chaos.sqlite");
  const databaseUrl = `file:${file}`;
  let app: ChildProcess | undefined;
  try {
    migrateDatabase(databaseUrl, { quiet: true });
    const port = await freePort();
    app = await startBuiltApp({ port, databaseUrl, secret: SECRET });
    const context: Context = { app, port, databaseUrl, file, db: new Database(file, { readonly: true }) };
    const rows: Row[] = [];
    for (const attack of attacks) rows.push(await attack(context));
    context.db.close();
    app.kill("SIGKILL");
    const chosen = suiteRows.filter((row) => full || !row.fullOnly);
    rows.push(...(await runSuite(chosen.filter((row) => !row.browser), "tests/vitest.config.ts", dir)));
    const browserRows = chosen.filter((row) => row.browser);
    if (browserRows.length) rows.push(...(await runSuite(browserRows, "tests/vitest.browser.config.ts", dir)));
    const printed = table(rows);
    console.log(printed);
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(
      path.join(root, "docs/reliability.md"),
      `# Reliability: the bad day, measured\n\nWritten by \`npm run chaos\` (bench/chaos.ts) on ${date}, ${full ? "full" : "short"} profile, against the built app under remix-serve with its own SQLite database (issue 22). Each row is an attack or fault, what must happen, and what was observed: the first rows from outside the app process, the rest by the tests that defend them against the emulated shop (their figures reported through tests/support/chaos-figures.ts).${full ? "" : " The short profile (CI) leaves out the session-token browser test and the kill -9 mid-publish; `npm run chaos -- --full` adds them."}\n\n${printed}\n`,
    );
    if (rows.some((row) => !row.holds)) process.exitCode = 1;
  } finally {
    if (app && app.exitCode === null) app.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
