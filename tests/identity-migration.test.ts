/**
 * The identity migration keeps what a shop already has: an audit entry written with only a SKU
 * gets the inventory item that SKU named, unless twins share it (then it cannot say which).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

const MIGRATIONS = path.resolve(__dirname, "../prisma/migrations");
const IDENTITY = "20261206030000_identity_by_inventory_item";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function databaseBefore(migration: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "safestock-identity-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = new Database(path.join(dir, "test.sqlite"));
  cleanups.unshift(() => db.close());
  const names = readdirSync(MIGRATIONS).filter((entry) => /^\d+_/.test(entry)).sort();
  for (const name of names.filter((entry) => entry < migration)) db.exec(readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
  return { db, apply: () => db.exec(readFileSync(path.join(MIGRATIONS, migration, "migration.sql"), "utf8")) };
}

describe("identity migration", () => {
  it("gives SKU-only audit entries their item where the SKU names one, and leaves shared or blank SKUs alone", () => {
    const { db, apply } = databaseBefore(IDENTITY);
    const item = db.prepare(
      `INSERT INTO "CatalogItem" ("shop", "inventoryItemId", "variantId", "productId", "sku", "productTitle", "variantTitle", "updatedAt") VALUES (?, ?, ?, 'p', ?, 'P', 'V', 0)`,
    );
    item.run("a.myshopify.com", "item-ring", "variant-ring", "RING-7");
    item.run("a.myshopify.com", "item-blue", "variant-blue", "TEE");
    item.run("a.myshopify.com", "item-navy", "variant-navy", "TEE");
    item.run("b.myshopify.com", "item-other", "variant-other", "RING-7");
    const audit = db.prepare(`INSERT INTO "AuditEntry" ("id", "shop", "sku", "inventoryItemId", "subject", "reason", "actor") VALUES (?, ?, ?, ?, 'safety_stock', 'r', 'rule')`);
    audit.run("1", "a.myshopify.com", "RING-7", null);
    audit.run("2", "a.myshopify.com", "TEE", null);
    audit.run("3", "a.myshopify.com", "", null);
    audit.run("4", "a.myshopify.com", "RING-7", "item-kept");
    audit.run("5", "a.myshopify.com", null, null);

    apply();

    const rows = db.prepare(`SELECT "id", "sku", "inventoryItemId" FROM "AuditEntry" ORDER BY "id"`).all();
    expect(rows).toEqual([
      { id: "1", sku: "RING-7", inventoryItemId: "item-ring" }, // this shop's RING-7, not shop b's
      { id: "2", sku: "TEE", inventoryItemId: null }, // twins: which one is unknown
      { id: "3", sku: "", inventoryItemId: null },
      { id: "4", sku: "RING-7", inventoryItemId: "item-kept" },
      { id: "5", sku: null, inventoryItemId: null },
    ]);
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'CatalogItem'`).all();
    expect(indexes).toContainEqual({ name: "CatalogItem_shop_variantId_idx" });
  });
});
