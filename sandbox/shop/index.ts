/**
 * The emulated Shopify shop. `createShopEmulator(options)` returns a `ShopEmulator`
 * (../contract.ts) that answers the real Admin GraphQL API (2026-10) from in-memory state.
 */
export { createShopEmulator, systemClock, INVALID_TOKEN_BODY, type ShopEmulatorOptions, type SandboxShopEmulator } from "../admin-api/emulator.js";
export { DEFAULT_PRODUCTS, REALISTIC_EVERY, REALISTIC_EXTRA_PRODUCTS, SEED_LOCATIONS, SEED_PUBLICATIONS, type SeedOption, type GeneratedSeedOptions } from "./seed.js";
export { identityHolds, ON_HAND_COMPONENTS } from "./inventory.js";
export { gid, parseGid, inventoryLevelGid } from "./ids.js";
export { createManualClock, type ManualClock } from "./clock.js";
export type { ShopState } from "./state.js";
