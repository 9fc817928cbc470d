// Prisma 6 runs fully offline with the JS query engine and the bundled WebAssembly schema
// engine (no binary download from Prisma's CDN, which this environment cannot reach).
// See docs/decisions/013-offline-toolchain.md.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_DATABASE_URL = "file:./prisma/dev.sqlite";
// Prisma does not load .env when a config file is used; default like the app does.
process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  // Absolute paths: Prisma resolves relative ones against the config file's folder in some
  // commands and the working directory in others.
  schema: path.join(here, "schema.prisma"),
  migrations: { path: path.join(here, "migrations") },
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL });
  },
});
