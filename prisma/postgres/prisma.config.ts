// The Postgres profile's Prisma config: the same offline setup as ../prisma.config.ts (JS query
// engine, bundled WebAssembly schema engine; docs/decisions/006-postgres-and-bullmq.md), with the
// `pg` driver adapter. Used by `npm run setup:postgres` and `npm run db:postgres:sync`.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/safestock";
process.env.DATABASE_URL ??= DEFAULT_POSTGRES_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(here, "schema.prisma"),
  migrations: { path: path.join(here, "migrations") },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL });
  },
});
