/**
 * The emulated Shopify shop. `createShopEmulator(options)` returns a `ShopEmulator`
 * (../contract.ts) that answers the real Admin GraphQL API (2026-10) from in-memory state.
 */
export { createShopEmulator, type SandboxShopEmulator } from "../admin-api/emulator.js";
export type { SeedOption } from "./seed.js";
export type { ShopState } from "./state.js";
export { createManualClock, type ManualClock } from "./clock.js";
