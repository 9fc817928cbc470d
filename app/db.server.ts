import { createRequire } from "node:module";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { Database as SqliteConnection } from "better-sqlite3";
import type { PrismaPg as PrismaPgAdapter } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";

/**
 * One Prisma client per process, on the database `DATABASE_URL` names:
 * - `file:…` (default `file:./prisma/dev.sqlite`): SQLite through better-sqlite3;
 * - `postgresql://…` / `postgres://…`: PostgreSQL through `pg` (docs/decisions/006-postgres-and-bullmq.md).
 * Both use Prisma 6's JS engine with a driver adapter, so no engine binary is ever downloaded
 * (see prisma/prisma.config.ts and prisma/postgres/prisma.config.ts).
 * Which database is the composition root's choice (app/composition.server.ts); this module only
 * knows how to build a client for a URL.
 */

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Each SQLite client's better-sqlite3 connection, once Prisma has opened it (see `sqliteConnectionOf`). */
const sqliteConnections = new WeakMap<PrismaClient, SqliteConnection>();

/**
 * The better-sqlite3 connection under a SQLite client, for the writer's hot statements
 * (app/models/storage/sqlite-direct-storage.server.ts, docs/decisions/018-driver-level-writer-statements.md);
 * undefined for PostgreSQL, or before the client's first query opened it.
 */
export function sqliteConnectionOf(client: PrismaClient): SqliteConnection | undefined {
  return sqliteConnections.get(client === prisma ? database() : client);
}

/** Clients whose first connection was opened (a later connect is a reopen). */
const reopened = new WeakSet<PrismaClient>();

/** The URL each client was made for: its storage adapter is chosen from it (app/models/storage). */
const clientUrls = new WeakMap<PrismaClient, string>();

export function databaseUrlOf(client: PrismaClient): string {
  const url = clientUrls.get(client === prisma ? database() : client);
  if (url === undefined) throw new Error("databaseUrlOf: a client not made by createPrismaClient");
  return url;
}

export function createPrismaClient(url: string, options: { poolSize?: number; busyTimeoutMs?: number } = {}): PrismaClient {
  if (isPostgresUrl(url)) {
    const client = createPostgresPrismaClient(url, options.poolSize ?? 10);
    clientUrls.set(client, url);
    return client;
  }
  // better-sqlite3 waits for another connection's write lock synchronously, blocking the event
  // loop: with its default 5 s every request froze while another process held the lock (issue 22).
  // A short wait fails fast instead; webhooks answer 503 so Shopify retries (webhook-intake).
  const factory = new PrismaBetterSQLite3({ url, timeout: options.busyTimeoutMs ?? 5_000 });
  const client = new PrismaClient({ adapter: factory });
  clientUrls.set(client, url);
  // The adapter opens its one connection on the client's first query; keep a handle on it.
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const connection = (adapter as unknown as { client: SqliteConnection }).client;
    sqliteConnections.set(client, connection);
    // A reopened connection (app/models/health.server.ts `reopenDatabase`) needs its per-connection setting again.
    if (reopened.has(client)) connection.pragma("synchronous = NORMAL");
    reopened.add(client);
    return adapter;
  };
  // WAL lets the web process and `npm run worker` read while the other writes; with WAL,
  // synchronous=NORMAL is crash-safe for the database (https://www.sqlite.org/pragma.html#pragma_synchronous)
  // and spares an fsync per commit — webhook intake commits several small rows per delivery.
  client
    .$queryRawUnsafe("PRAGMA journal_mode = WAL")
    .then(() => client.$executeRawUnsafe("PRAGMA synchronous = NORMAL"))
    .catch((error) => console.warn("sqlite: WAL not enabled", error));
  return client;
}

/**
 * A Prisma client is compiled for one provider, so the Postgres profile has its own, generated
 * from prisma/postgres/schema.prisma (the same models) into node_modules/.prisma-postgres/client
 * by `npm run prisma:generate`. Loaded only when asked for; its API is the SQLite client's.
 */
function createPostgresPrismaClient(url: string, poolSize: number): PrismaClient {
  const require = createRequire(import.meta.url);
  const { PrismaPg } = require("@prisma/adapter-pg") as { PrismaPg: typeof PrismaPgAdapter };
  const generated = require(".prisma-postgres/client") as { PrismaClient: new (options: object) => PrismaClient };
  return new generated.PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize }) });
}

let provide: (() => PrismaClient) | undefined;
let client: PrismaClient | undefined;

/**
 * Installs how the process's client is built (app/composition.server.ts does, once); building
 * waits for the first query, so importing a model opens nothing (docs/decisions/023).
 */
export function provideDatabase(factory: () => PrismaClient) {
  provide = factory;
  client = undefined;
}

/** The process's client, built on first use by the composition root's factory. */
export function database(): PrismaClient {
  if (client) return client;
  if (!provide) throw new Error("database: not composed yet (call compose() from app/composition.server.ts first)");
  client = provide();
  return client;
}

/**
 * The process's client under its familiar name: a stand-in that builds the client on its first
 * use, so `import prisma from "~/db.server"` starts nothing at import.
 */
const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    // Module interop and `await` look for these on any export; answering builds nothing.
    if (typeof property === "symbol" || property === "then" || property === "__esModule") return undefined;
    const real = database();
    const value = Reflect.get(real, property, real) as unknown;
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(real) : value;
  },
});

export default prisma;
