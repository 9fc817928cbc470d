/**
 * `npm run chaos`: the bad-day matrix of issue 22 that exists today, against the app as
 * `npm run start` serves it (remix-serve on the built app, its own SQLite file), from outside.
 * Prints a table (fault or attack → expected → observed figure) and writes it, dated, into
 * docs/reliability.md. Short profile by default (oversized posts of 20 MB); `--full` sends 100 MB.
 *
 *   npm run chaos [-- --full]
 *
 * Rows another part of the issue owns (Admin API timeouts, storage faults, clock skew, holds) are
 * not here yet; each is one more entry in `attacks`.
 */
import Database from "better-sqlite3";
import type { ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkPolicy } from "../app/domain/policy-check";
import { migrateDatabase } from "../sandbox/stack";
import { flood, memoryOf, startBuiltApp } from "./support/flood";
import { freePort } from "../tests/support/processes";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECRET = "sandbox-api-secret";
const VICTIM = "victim.myshopify.com";
const ATTACKER = "attacker-dev.myshopify.com";
const full = process.argv.includes("--full");
const floodBytes = (full ? 100 : 20) * 1_000_000;

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
  return { status: response.status, row };
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
    const statuses = posts.map((post) => post.status);
    return {
      fault: `oversized body: 4 parallel ${floodBytes / 1e6} MB unsigned posts`,
      expected: "413 each, RSS growth < 100 MB",
      observed: `${statuses.join("/")} in ${((Date.now() - started) / 1000).toFixed(1)} s; RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(0)})`,
      holds: statuses.every((status) => status === 413) && peak - before < 100,
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
    const context: Context = { app, port, databaseUrl, db: new Database(file, { readonly: true }) };
    const rows: Row[] = [];
    for (const attack of attacks) rows.push(await attack(context));
    context.db.close();
    const printed = table(rows);
    console.log(printed);
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(
      path.join(root, "docs/reliability.md"),
      `# Reliability: the bad day, measured\n\nWritten by \`npm run chaos\` (bench/chaos.ts) on ${date}, ${full ? "full" : "short"} profile, against the built app under remix-serve with its own SQLite database (issue 22). Each row is an attack or fault from outside, what must happen, and what was observed.\n\n${printed}\n`,
    );
    if (rows.some((row) => !row.holds)) process.exitCode = 1;
  } finally {
    if (app && app.exitCode === null) app.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
