import prisma from "~/db.server";

/** Liveness + readiness: answers 200 once the database answers (used by `npm run sandbox`). */
export async function loader() {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return new Response("ok", { status: 200, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    console.error("healthz: database unavailable", error);
    return new Response("database unavailable", { status: 503 });
  }
}
