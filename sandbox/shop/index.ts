/**
 * The emulated Shopify shop. `createShopEmulator(options)` returns a `ShopEmulator`
 * (../contract.ts) that answers the real Admin GraphQL API (2026-10) from in-memory state.
 */
export { createShopEmulator } from "../admin-api/emulator.js";
export type { SeedOption } from "./seed.js";
export { createManualClock, type ManualClock } from "./clock.js";
