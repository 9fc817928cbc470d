import { checkHealth } from "~/services/health.server";

/** Liveness + readiness (app/services/health.server.ts): 200 "ok", else 503 with one reason a line. */
export async function loader() {
  const report = await checkHealth();
  if (report.ok) return new Response("ok", { status: 200, headers: { "Cache-Control": "no-store" } });
  return new Response(`${report.reasons.join("\n")}\n`, { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "5" } });
}
