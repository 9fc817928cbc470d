/**
 * The storage port of the pipeline's tables (docs/decisions/018): what the writer and intake
 * store in bulk and read back per batch. Two adapters, chosen once per client at start-up by
 * `createStorage` (index.server.ts): Prisma (PostgreSQL, or SQLite when asked) and SQLite-direct
 * (better-sqlite3 on Prisma's own connection). Both run the statements of sql.ts; the busy
 * retry lives in the adapters. Contract: storage-contract.ts.
 */
import type { SqlStatement } from "./sql";

export type StorageAdapterName = "prisma" | "sqlite-direct";

export interface LevelStateRow {
  inventoryItemId: string;
  locationId: string;
  /** As stored: the JSON text. */
  quantities: string;
  protected: number;
  available: number;
  explain: string;
}

export interface ChannelStateRow {
  inventoryItemId: string;
  channel: string;
  available: number;
  paused: boolean;
  explain: string;
  /** As stored: the JSON text of ChannelPlan.reserveHistory ("[]" without a self-sizing reserve). */
  reserveHistory: string;
}

export interface StoredCatalogRow {
  inventoryItemId: string;
  variantId: string;
  productId: string;
  sku: string;
  productTitle: string;
  variantTitle: string;
  /** As stored: the JSON text. */
  tags: string;
  tracked: boolean;
  continueSelling: boolean;
  /** Why Safestock leaves the item alone (docs/decisions/034), or null. */
  leftAlone: string | null;
}

export interface CatalogOfProductRow {
  productId: string;
  inventoryItemId: string;
  sku: string;
}

export interface PipelineStorage {
  readonly adapter: StorageAdapterName;
  /**
   * Runs the statements (sql.ts) in one transaction, all or nothing, started over when SQLite
   * answers BUSY. A unique violation rejects with an error `isUniqueViolation` (unique-violation.ts) recognises.
   */
  transaction(statements: readonly SqlStatement[]): Promise<void>;
  /** One statement on its own (an `INSERT … RETURNING`), its rows back; started over when SQLite answers BUSY. */
  query(statement: SqlStatement): Promise<Record<string, unknown>[]>;
  levelStates(shop: string, inventoryItemIds: readonly string[]): Promise<LevelStateRow[]>;
  channelStates(shop: string, inventoryItemIds: readonly string[]): Promise<ChannelStateRow[]>;
  catalogRows(shop: string, inventoryItemIds: readonly string[]): Promise<StoredCatalogRow[]>;
  catalogOfProducts(shop: string, productIds: readonly string[]): Promise<CatalogOfProductRow[]>;
  /** `work` (a whole statement or transaction) again while SQLite answers BUSY; once on PostgreSQL. */
  retryWhenBusy<T>(work: () => Promise<T>): Promise<T>;
}
