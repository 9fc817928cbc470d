/**
 * The Settings page: target sync lag, reconciliation schedule, webhook-health freeze thresholds
 * and hold lifetimes. Each value is checked against a range that keeps the pipeline safe (e.g. a
 * reconciliation at least daily), every change is audited with its before → after.
 */
import { recordAudit, type AuditInput } from "~/models/audit.server";
import { DEFAULT_SETTINGS, getShopSettings, saveShopSettings, type ShopSettingsValues } from "~/models/settings.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import { formatDateTime } from "./display-view.server";

interface SettingSpec {
  label: string;
  min: number;
  max: number;
  unit: string;
}

export const SETTING_SPECS: Record<keyof ShopSettingsValues, SettingSpec> = {
  targetSyncLagSeconds: { label: "Target sync lag", min: 1, max: 3_600, unit: "seconds" },
  reconcileEveryMinutes: { label: "Reconcile every", min: 15, max: 1_440, unit: "minutes" },
  freezeAfterLagSeconds: { label: "Freeze when webhooks are late by", min: 30, max: 3_600, unit: "seconds" },
  freezeLowStockBelow: { label: "While frozen, pause lower tiers for SKUs under", min: 0, max: 10_000, unit: "units" },
  cartHoldMinutes: { label: "Checkout hold lifetime", min: 1, max: 120, unit: "minutes" },
  lowStockCartHoldMinutes: { label: "Checkout hold lifetime for low stock", min: 1, max: 120, unit: "minutes" },
};

export async function loadSettingsPage(shop: string) {
  const [settings, timeZone] = await Promise.all([getShopSettings(shop), shopTimeZone(shop)]);
  const { updatedBy, updatedAt, ...values } = settings;
  return { values, defaults: DEFAULT_SETTINGS, specs: SETTING_SPECS, updatedBy, updatedAt: formatDateTime(updatedAt, timeZone) };
}

export type SaveSettingsResult = { ok: true; changed: number } | { ok: false; problems: { path: string; message: string }[] };

export async function saveSettings(shop: string, input: Record<string, string>, { updatedBy }: { updatedBy: string }): Promise<SaveSettingsResult> {
  const problems: { path: string; message: string }[] = [];
  const values = {} as ShopSettingsValues;
  for (const [key, spec] of Object.entries(SETTING_SPECS) as [keyof ShopSettingsValues, SettingSpec][]) {
    const text = (input[key] ?? "").trim();
    const value = Number(text);
    if (text === "" || !Number.isInteger(value)) problems.push({ path: key, message: `must be a whole number of ${spec.unit}, got ${JSON.stringify(text)}` });
    else if (value < spec.min || value > spec.max) problems.push({ path: key, message: `must be from ${spec.min} to ${spec.max} ${spec.unit}, got ${value}` });
    else values[key] = value;
  }
  if (values.lowStockCartHoldMinutes > values.cartHoldMinutes) {
    problems.push({ path: "lowStockCartHoldMinutes", message: "must not be longer than the checkout hold lifetime" });
  }
  if (problems.length > 0) return { ok: false, problems };
  const before = await getShopSettings(shop);
  const changes: AuditInput[] = (Object.keys(SETTING_SPECS) as (keyof ShopSettingsValues)[])
    .filter((key) => before[key] !== values[key])
    .map((key) => ({ subject: "settings", before: before[key], after: values[key], reason: `${SETTING_SPECS[key].label} (${SETTING_SPECS[key].unit}) changed by ${updatedBy}`, actor: "merchant" }));
  await saveShopSettings(shop, values, updatedBy);
  await recordAudit(shop, changes);
  return { ok: true, changed: changes.length };
}
