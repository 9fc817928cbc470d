import { buildApp } from "../../sandbox/stack";
import { browserAvailability } from "./support/browser";

/** Builds the app once for every browser test file (remix-serve runs build/). */
export default function setup() {
  if (!browserAvailability().available) return; // the test files report the skip
  const started = Date.now();
  buildApp({ quiet: true });
  console.log(`browser tests: app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
