/**
 * Runs before every test file (vitest setupFiles):
 * 1. the sandbox app's environment (the same defaults `npm run sandbox` uses);
 * 2. a private, migrated SQLite database for this test file;
 * 3. msw listening *before* any app module is imported, because
 *    `@shopify/shopify-app-remix/adapters/node` captures `globalThis.fetch` on import
 *    (docs/decisions/013-offline-toolchain.md).
 */
import { afterAll, afterEach, expect } from "vitest";
import { createTestDatabase } from "./database";
import { mswServer } from "./msw";
import { createPostgresProfile, postgresProfileSelected } from "./postgres-profile";

process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "sandbox-api-key";
process.env.SHOPIFY_API_SECRET ??= "sandbox-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://safestock.test";
// Webhooks arrive as Shopify delivers them (concurrent, late, duplicated: sandbox/webhooks/delivery.ts)
// in every test that does not ask for SANDBOX_DELIVERY=ordered; a fixed seed, printed when a sandbox
// starts, so a failing run replays (override with SANDBOX_DELIVERY_SEED=<n>).
process.env.SANDBOX_DELIVERY_SEED ??= "1";
process.env.SCOPES ??=
  "write_inventory,read_locations,write_products,read_orders,write_publications,write_validations";

// TEST_PROFILE=postgres: PostgreSQL + BullMQ instead (tests/setup/postgres-profile.ts).
const database = postgresProfileSelected() ? await createPostgresProfile() : createTestDatabase();
process.env.DATABASE_URL = database.url;

mswServer.listen({ onUnhandledRequest: "error" });
// What an entry point does first (docs/decisions/023): install how the database, queue, token
// source and the app's Shopify side are built; nothing is built until a test uses it. Pure code
// (the domain, the emulator, extensions) never reaches them, and skips the
// few seconds importing the whole app costs.
const testPath = expect.getState().testPath ?? "";
if (!/\/(app\/domain|sandbox|extensions)\//.test(testPath)) {
  const { compose } = await import("~/composition.server");
  compose();
}
afterEach(() => mswServer.resetHandlers());
afterAll(async () => {
  mswServer.close();
  return database.remove();
});
