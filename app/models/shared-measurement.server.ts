import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { storageOf } from "./storage/index.server";
import { UPSERT_SHARED_MEASUREMENT } from "./storage/sql";

/**
 * Measurements every process shares (the `SharedMeasurement` table), so web processes and
 * workers read one value instead of each its own: the latest measurement wins, whichever process
 * took it. `shopify-clock-skew`: this server's clock minus Shopify's, in ms.
 */
export type SharedMeasurementName = "shopify-clock-skew";

export interface Measurement {
  value: number;
  measuredAt: Date;
}

export async function recordMeasurement(name: SharedMeasurementName, measurement: Measurement, db: PrismaClient = prisma): Promise<void> {
  await storageOf(db).transaction([{ sql: UPSERT_SHARED_MEASUREMENT, params: [name, Math.round(measurement.value), measurement.measuredAt] }]);
}

export async function latestMeasurement(name: SharedMeasurementName, db: PrismaClient = prisma): Promise<Measurement | null> {
  return db.sharedMeasurement.findUnique({ where: { name }, select: { value: true, measuredAt: true } });
}
