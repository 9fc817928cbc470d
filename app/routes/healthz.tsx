import { databaseReady } from "~/services/health.server";

/** Liveness + readiness: answers 200 once the database answers (used by `npm run sandbox`). */
export async function loader() {
  if (await databaseReady()) return new Response("ok", { status: 200, headers: { "Cache-Control": "no-store" } });
  return new Response("database unavailable", { status: 503 });
}
