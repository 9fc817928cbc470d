import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";

/**
 * One Prisma client per process. Prisma 6 with the JS engine and the better-sqlite3 driver
 * adapter runs without any engine binary (see prisma/prisma.config.ts).
 * In development Remix re-imports modules on change, so the client is kept on globalThis.
 */
declare global {
  // eslint-disable-next-line no-var
  var __safestockPrisma: PrismaClient | undefined;
}

export function createPrismaClient(url = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite"): PrismaClient {
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
  // WAL lets the web process and `npm run worker` read while the other writes; with WAL,
  // synchronous=NORMAL is crash-safe for the database (https://www.sqlite.org/pragma.html#pragma_synchronous)
  // and spares an fsync per commit — webhook intake commits several small rows per delivery.
  client
    .$queryRawUnsafe("PRAGMA journal_mode = WAL")
    .then(() => client.$executeRawUnsafe("PRAGMA synchronous = NORMAL"))
    .catch((error) => console.warn("sqlite: WAL not enabled", error));
  return client;
}

const prisma: PrismaClient = globalThis.__safestockPrisma ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") globalThis.__safestockPrisma = prisma;

export default prisma;
