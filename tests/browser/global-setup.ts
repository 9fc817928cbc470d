import { buildApp, withAppBuildLock } from "../../sandbox/stack";
import { browserAvailability } from "./support/browser";

/**
 * Builds the app once for every browser test file (remix-serve runs build/), or finds the build the
 * integration tests of the same `npm test` left up to date (sandbox/build-stamp.ts). Under the
 * build lock: another process of this checkout may be building or starting the app.
 */
export default async function setup() {
  if (!browserAvailability().available) return; // the test files report the skip
  const started = Date.now();
  const outcome = await withAppBuildLock(async () => buildApp({ quiet: true }));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(outcome === "built" ? `browser tests: app built in ${seconds} s` : `browser tests: the app's build is up to date (checked in ${seconds} s)`);
}
