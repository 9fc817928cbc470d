/**
 * The pipeline's storage (port.ts), one per Prisma client, its adapter chosen once from the
 * configuration: PostgreSQL → Prisma; SQLite → SQLite-direct (docs/decisions/018), or Prisma when
 * `sqliteDirect` is false. The composition root calls `createStorage`; models ask `storageOf(db)`,
 * which makes it from the client's own URL the first time when nobody did.
 */
import type { PrismaClient } from "@prisma/client";
import { databaseUrlOf, isPostgresUrl } from "~/db.server";
import type { PipelineStorage } from "./port";
import { createPrismaStorage } from "./prisma-storage.server";
import { createSqliteDirectStorage } from "./sqlite-direct-storage.server";

export interface StorageConfig {
  databaseUrl: string;
  /** SQLite only: through Prisma instead of better-sqlite3 (the contract suite runs both). Default true. */
  sqliteDirect?: boolean;
}

const storages = new WeakMap<PrismaClient, PipelineStorage>();

export function createStorage(prisma: PrismaClient, config: StorageConfig): PipelineStorage {
  const storage = isPostgresUrl(config.databaseUrl)
    ? createPrismaStorage(prisma, "postgresql")
    : config.sqliteDirect === false
      ? createPrismaStorage(prisma, "sqlite")
      : createSqliteDirectStorage(prisma);
  storages.set(prisma, storage);
  return storage;
}

export function storageOf(prisma: PrismaClient): PipelineStorage {
  return storages.get(prisma) ?? createStorage(prisma, { databaseUrl: databaseUrlOf(prisma) });
}

export type { PipelineStorage } from "./port";
