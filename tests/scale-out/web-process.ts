/**
 * One stateless web process of the cluster: serves the app's webhook routes
 * (`app/routes/webhooks.<topic>.tsx`, the same route modules `npm run start` serves) over
 * node:http, on the environment's DATABASE_URL / QUEUE / REDIS_URL. Prints `{"port":…}` when it
 * listens. Only the webhook routes: the cluster test and the scale-out bench measure intake and
 * workers, and building the whole Remix app for `remix-serve` would cost each run a minute of CPU.
 *
 *   node --import tsx tests/scale-out/web-process.ts
 */
import { startSandboxServer } from "../../sandbox/http/server";

// What an entry point does first (docs/decisions/023): the app builds its pieces on first use.
(await import("../../app/composition.server")).compose();

type RouteModule = { action: (args: { request: Request; params: object; context: object }) => Promise<Response> };

async function handle(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === "/healthz") return new Response("ok");
  const match = /^\/webhooks\/([a-z_]+(?:\/[a-z_]+)+)$/.exec(path);
  if (!match || request.method !== "POST") return new Response("Not found", { status: 404 });
  const route = (await import(`../../app/routes/webhooks.${match[1]!.split("/").join(".")}.tsx`)) as RouteModule;
  try {
    return await route.action({ request, params: {}, context: {} });
  } catch (thrown) {
    // Remix answers a thrown Response as is (the library's 401 for a bad HMAC).
    if (thrown instanceof Response) return thrown;
    console.error("web: webhook failed", thrown);
    return new Response("Internal Server Error", { status: 500 });
  }
}

const server = await startSandboxServer({ sandbox: { handle }, port: 0 });
process.stdout.write(JSON.stringify({ port: server.port }) + "\n");

const stop = () => void server.close().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
