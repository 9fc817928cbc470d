/**
 * The two flows a newcomer follows first, as docs/pipeline.md draws them: an `orders/create`
 * delivery to the Shopify write, and a published policy to the same write. Each flow is written
 * below as the steps its work takes at run time (default profile: SQLite, its queue and its
 * direct storage adapter), and checked against the code itself, read here with a small import
 * walk (not by asking the code under test):
 *
 * - every step's function is defined in its file, and every file is reached from an earlier step,
 *   by a direct import or by the queue (enqueue in one process, lease in the worker);
 * - the webhook → write path crosses at most 20 files (the bar of docs/decisions/001 "Flows");
 * - no step is a pass-through (a function whose whole body forwards to another module);
 * - docs/pipeline.md names every file of both flows.
 *
 * A step a helper answers and returns from (payload parsing, catalog and telemetry reads, the
 * domain's inner modules, configuration) is not a step of the flow: it hands nothing on.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

interface Step {
  file: string;
  /** The function(s) of `file` the work goes through. */
  functions: string[];
  /** How the work gets here from an earlier step: a direct import (default) or the job queue. */
  via?: "import" | "queue";
  /** The route's action: thin on purpose (routes only parse and delegate, docs/decisions/001). */
  entry?: true;
}

const QUEUE: Step[] = [
  { file: "app/services/jobs.server.ts", functions: ["jobQueue"] },
  // The adapter and the worker are wired by the composition root (app/composition.server.ts).
  { file: "app/jobs/sqlite-queue.server.ts", functions: [], via: "queue" },
  { file: "app/jobs/worker.server.ts", functions: [], via: "queue" },
];

const WRITE: Step[] = [
  { file: "app/services/sync-items.server.ts", functions: ["recomputeInventoryItems", "withStaleRetries", "syncItems"] },
  { file: "app/shopify/admin-for-shop.server.ts", functions: ["adminClientForShop"] },
  { file: "app/services/sync-context.server.ts", functions: ["loadSyncContext"] },
  { file: "app/shopify/inventory.server.ts", functions: ["readInventoryItems", "moveQuantities", "setChannelMetafields"] },
  { file: "app/domain/write-plan.ts", functions: ["planInventoryWrites"] },
  { file: "app/services/write-steps.server.ts", functions: ["planWriteSteps"] },
  { file: "app/services/apply-writes.server.ts", functions: ["executeWriteSteps"] },
  { file: "app/models/write-intent.server.ts", functions: ["createWriteIntent", "recordAppliedWrite"] },
  { file: "app/models/storage/index.server.ts", functions: ["storageOf"] },
  { file: "app/models/storage/sqlite-direct-storage.server.ts", functions: ["createSqliteDirectStorage"] },
  { file: "app/shopify/admin-client.server.ts", functions: ["createAdminClient"] },
];

const WEBHOOK_TO_WRITE: Step[] = [
  { file: "app/routes/webhooks.orders.create.tsx", functions: ["action"], entry: true },
  { file: "app/services/webhook-intake.server.ts", functions: ["receiveWebhook", "acceptVerifiedDelivery"] },
  { file: "app/models/webhook-delivery.server.ts", functions: ["recordDeliveryOnce", "deliveriesToProcess"] },
  { file: "app/models/storage/index.server.ts", functions: ["storageOf"] },
  { file: "app/services/jobs.server.ts", functions: ["enqueueWebhookDelivery", "enqueueRecompute"] },
  ...QUEUE.slice(1),
  { file: "app/services/pipeline-handlers.server.ts", functions: ["pipelineJobHandlers"], via: "queue" },
  { file: "app/services/webhook-processing.server.ts", functions: ["processRecordedDeliveries"] },
  ...WRITE,
];

const POLICY_TO_WRITE: Step[] = [
  { file: "app/routes/app.preview.tsx", functions: ["action"], entry: true },
  { file: "app/services/policy-preview.server.ts", functions: ["publishPreview"] },
  { file: "app/services/policy.server.ts", functions: ["publishPolicy"] },
  { file: "app/services/policy-check.server.ts", functions: ["checkPolicyForShop"] },
  { file: "app/domain/policy-check.ts", functions: ["checkPolicy"] },
  { file: "app/models/policy.server.ts", functions: ["insertPolicyVersion"] },
  { file: "app/services/jobs.server.ts", functions: ["enqueueReconcile"] },
  ...QUEUE.slice(1),
  { file: "app/services/pipeline-handlers.server.ts", functions: ["pipelineJobHandlers"], via: "queue" },
  { file: "app/services/reconcile.server.ts", functions: ["reconcileShop"] },
  ...WRITE,
];

const source = (file: string) => readFileSync(path.join(root, file), "utf8");

/** The repository files `file` imports (value or type), resolved as tsconfig's `~/` alias and relative paths. */
function importsOf(file: string): string[] {
  const specifiers = [...source(file).matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((match) => match[1]);
  return specifiers.flatMap((specifier) => {
    const base = specifier.startsWith("~/") ? path.join("app", specifier.slice(2)) : specifier.startsWith(".") ? path.join(path.dirname(file), specifier) : null;
    if (!base) return [];
    const found = [".ts", ".tsx", "/index.ts"].map((ext) => base + ext).find((candidate) => existsSync(path.join(root, candidate)));
    if (!found) return [];
    const resolved = found.split(path.sep).join("/");
    // A barrel (`~/domain` → app/domain/index.ts) is passed through to the modules it re-exports.
    return resolved.endsWith("/index.ts") ? [resolved, ...importsOf(resolved)] : [resolved];
  });
}

const declaration = (name: string) => new RegExp(`(?:function\\s+${name}\\b|const\\s+${name}\\b[^=]*=)`);

const defines = (file: string, name: string) => declaration(name).test(source(file));

/**
 * The body of `name` (a function declaration or a `const name = …` arrow): what is between its
 * braces, or an arrow's expression when it fits on the declaration's line.
 */
function bodyOf(file: string, name: string): string {
  const text = source(file);
  const start = text.search(declaration(name));
  const line = text.slice(start, text.indexOf("\n", start));
  const expression = /=>\s*([^{\s].*)$/.exec(line);
  if (expression) return expression[1];
  // The body's brace ends its line: after the parameters' `)` (and a return type) or an arrow.
  const opening = /(?:\)\s*(?::[^\n]*)?|=>\s*)\{[ \t]*\n/g;
  opening.lastIndex = start;
  const found = opening.exec(text);
  if (!found) return "";
  const open = found.index + found[0].lastIndexOf("{");
  let depth = 0;
  for (let at = open; at < text.length; at++) {
    if (text[at] === "{") depth++;
    else if (text[at] === "}" && --depth === 0) return text.slice(open + 1, at);
  }
  return "";
}

/**
 * A pass-through: the whole body is one call into another module (an imported function, or a
 * method of what a call returned, as `port().method(…)`) whose arguments add nothing: no literal,
 * no call, no condition, no callback. A heuristic: it catches the plain forwarders
 * (`return other(a, b);`, `return queue().enqueue({ a, b });`), not every layer that adds little.
 */
function isPassThrough(file: string, body: string): boolean {
  const code = body
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((line) => line.replace(/\/\/.*$/, "").trim())
    .join(" ")
    .trim();
  const call = /^(?:return\s+)?(?:await\s+)?([\w$]+)(\(\))?(?:\.[\w$]+)*\(([^;]*)\);?$/.exec(code);
  if (!call) return false;
  const [, callee, chained, args] = call;
  const imported = new RegExp(`^import[^;]*\\b${callee}\\b[^;]*from`, "m").test(source(file));
  if (!imported && !chained) return false;
  return !/["'`\d(]|\?|=>|\|\||&&/.test(args);
}

const distinctFiles = (flow: Step[]) => [...new Set(flow.map((step) => step.file))];

describe.each([
  ["orders/create → Shopify write", WEBHOOK_TO_WRITE],
  ["policy publish → Shopify write", POLICY_TO_WRITE],
])("the %s flow (docs/pipeline.md)", (_name, flow) => {
  it("is the code's: each step's function is in its file, each file reached from an earlier step", () => {
    for (const [index, step] of flow.entries()) {
      expect(existsSync(path.join(root, step.file)), step.file).toBe(true);
      for (const name of step.functions) expect(defines(step.file, name), `${step.file} defines ${name}`).toBe(true);
      if (index === 0 || step.via === "queue") continue;
      const earlier = flow.slice(0, index).map((before) => before.file);
      expect(
        earlier.some((before) => importsOf(before).includes(step.file)),
        `${step.file} is imported by an earlier step of the flow`,
      ).toBe(true);
    }
  });

  it("has no pass-through step: every function on it decides or does something itself", () => {
    for (const step of flow.filter((one) => !one.entry)) {
      for (const name of step.functions) {
        expect(isPassThrough(step.file, bodyOf(step.file, name)), `${step.file}: ${name} only forwards`).toBe(false);
      }
    }
  });

  it("is drawn in docs/pipeline.md, every file named", () => {
    const doc = source("docs/pipeline.md");
    expect(distinctFiles(flow).filter((file) => !doc.includes(file))).toEqual([]);
  });
});

describe("the orders/create → Shopify write path", () => {
  it("crosses at most 20 files", () => {
    const files = distinctFiles(WEBHOOK_TO_WRITE);
    console.log(`orders/create → Shopify write: ${files.length} files\n  ${files.join("\n  ")}`);
    expect(files.length).toBeLessThanOrEqual(20);
  });
});
