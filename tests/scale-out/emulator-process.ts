/**
 * The emulated shop in its own process for the cluster test and the scale-out bench: a generated
 * catalog, the app installed with every `shopify.app.toml` webhook subscription, and a network in
 * front of the app's web processes. Prints `{"port":…}` on stdout when it listens.
 *
 *   node --import tsx tests/scale-out/emulator-process.ts '{"shop":…,"variants":20,"webUrls":[…],…}'
 *
 * The network (here, not in sandbox/webhooks): the dispatcher's first
 * attempts run on one serial lane, which would cap the whole feed at one delivery at a time; here
 * every delivery leaves at once, to the web processes in turn (a load balancer), and one in
 * `redeliverEvery` is delivered a second time, with the same X-Shopify-Webhook-Id, to the other web
 * process (Shopify retrying a delivery whose answer it did not get: at-least-once delivery,
 * shopify.dev/docs/apps/build/webhooks/ignore-duplicates). A non-2xx answer or a network error is
 * retried after `retryMs`, as Shopify retries (much later).
 *
 * Control (besides the sandbox's own `/sandbox/*` routes):
 *   GET /cluster/network   {sent, accepted, failed, pending, firstSentAt, lastAcceptedAt} (Date.now ms)
 *   GET /cluster/cpu       {seconds} this process's CPU time
 */
import { createSandbox, startSandboxServer } from "../../sandbox/index";

export interface EmulatorProcessOptions {
  shop: string;
  variants: number;
  /** Largest `available` per level in the generated catalog. */
  maxAvailable: number;
  throttle: { bucketSize: number; restoreRate: number };
  apiKey: string;
  apiSecret: string;
  /** The web processes' base URLs, delivered to in turn. */
  webUrls: string[];
  redeliverEvery: number;
  retryMs: number;
  /** Wait this long before answering an Admin API request (Shopify is a network away; 0: none). */
  adminLatencyMs: number;
}

const options = JSON.parse(process.argv[2]!) as EmulatorProcessOptions;
const APP_URL = "http://safestock-cluster.invalid";

const stats = { sent: 0, accepted: 0, failed: 0, pending: 0, firstSentAt: 0, lastAcceptedAt: 0 };
let turn = 0;

async function send(request: Request, target: string, attempt = 1): Promise<void> {
  const url = new URL(request.url);
  const body = await request.clone().text();
  stats.sent++;
  stats.firstSentAt ||= Date.now();
  let ok = false;
  try {
    const response = await fetch(target + url.pathname, { method: "POST", headers: request.headers, body });
    await response.arrayBuffer();
    ok = response.ok;
  } catch {
    ok = false;
  }
  if (ok) {
    stats.accepted++;
    stats.lastAcceptedAt = Date.now();
    return;
  }
  stats.failed++;
  if (attempt >= 20) return;
  await new Promise((resolve) => setTimeout(resolve, options.retryMs));
  return send(request, target, attempt + 1);
}

function deliver(request: Request): Promise<Response> {
  const index = turn++;
  const targets = [options.webUrls[index % options.webUrls.length]!];
  if (options.redeliverEvery > 0 && index % options.redeliverEvery === options.redeliverEvery - 1) {
    targets.push(options.webUrls[(index + 1) % options.webUrls.length]!);
  }
  for (const target of targets) {
    stats.pending++;
    void send(request, target).finally(() => stats.pending--);
  }
  // Handed to the network: the dispatcher's lane moves on at once.
  return Promise.resolve(new Response(null, { status: 200 }));
}

const sandbox = createSandbox({
  shops: [options.shop],
  apiKey: options.apiKey,
  apiSecret: options.apiSecret,
  appUrl: APP_URL,
  seed: { variants: options.variants, maxAvailable: options.maxAvailable },
  throttle: options.throttle,
  deliver,
});
sandbox.install(options.shop);

const server = await startSandboxServer({
  sandbox: {
    handle(request: Request) {
      const path = new URL(request.url).pathname;
      if (path === "/cluster/network") return Promise.resolve(Response.json(stats));
      if (path === "/cluster/cpu") {
        const usage = process.cpuUsage();
        return Promise.resolve(Response.json({ seconds: (usage.user + usage.system) / 1e6 }));
      }
      if (options.adminLatencyMs > 0 && path.startsWith("/admin/api/")) {
        return new Promise((resolve) => setTimeout(resolve, options.adminLatencyMs)).then(() => sandbox.handle(request));
      }
      return sandbox.handle(request);
    },
  },
  port: 0,
});
process.stdout.write(JSON.stringify({ port: server.port }) + "\n");
