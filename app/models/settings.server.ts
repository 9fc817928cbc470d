import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export interface ShopSettingsValues {
  targetSyncLagSeconds: number;
  reconcileEveryMinutes: number;
  freezeAfterLagSeconds: number;
  freezeLowStockBelow: number;
  cartHoldMinutes: number;
  lowStockCartHoldMinutes: number;
}

/** What a shop runs with before it saves settings: the values the pipeline was built around. */
export const DEFAULT_SETTINGS: ShopSettingsValues = {
  targetSyncLagSeconds: 60,
  reconcileEveryMinutes: 60,
  freezeAfterLagSeconds: 300,
  freezeLowStockBelow: 10,
  cartHoldMinutes: 15,
  lowStockCartHoldMinutes: 5,
};

export async function getShopSettings(shop: string, db: PrismaClient = prisma): Promise<ShopSettingsValues & { updatedBy: string | null; updatedAt: Date | null }> {
  const row = await db.shopSettings.findUnique({ where: { shop } });
  if (!row) return { ...DEFAULT_SETTINGS, updatedBy: null, updatedAt: null };
  const { shop: _shop, ...values } = row; // eslint-disable-line @typescript-eslint/no-unused-vars
  return values;
}

export async function saveShopSettings(shop: string, values: ShopSettingsValues, updatedBy: string, db: PrismaClient = prisma) {
  await db.shopSettings.upsert({ where: { shop }, create: { shop, ...values, updatedBy }, update: { ...values, updatedBy } });
}
