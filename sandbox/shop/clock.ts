/** A controllable clock for tests and benchmarks. */
import type { Clock } from "../contract.js";

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(date: Date | string): void;
}

export function createManualClock(start: Date | string = "2026-11-01T09:00:00.000Z"): ManualClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(date) {
      t = new Date(date).getTime();
    },
  };
}

/**
 * An instant before Shopify's 2027-01-01 end of non-expiring offline tokens (../auth/token-policy.ts).
 * Tests that use the app's non-expiring token (SANDBOX_ADMIN_TOKEN, or a non-expiring token
 * exchange) run their shops on a clock started here, so they pass whatever the real date is.
 * Checked (2026-12-06) by running `sandbox/`, tests/sandbox-cli.test.ts and tests/lost-access.test.ts
 * with every process's wall clock at 2027-01-02: `NODE_OPTIONS="--import ./fake-date.mjs"` (vitest's
 * forks, the spawned sandbox and the app inherit it), the preload replacing `Date` by a subclass
 * whose `Date.now()` and `new Date()` add one offset, FAKE_OFFSET_MS (2027-01-02 minus the real
 * time when the run started, the same for every process, or the app would refuse the sandbox's
 * session tokens as issued in its future); timers untouched. Before these pins, 7 files failed
 * that way (401s and refused exchanges).
 */
export const BEFORE_NON_EXPIRING_END = "2026-12-01T00:00:00.000Z";

/** A clock that starts at `start` and runs at the real rate from there (buckets refill, tokens expire). */
export function createRunningClock(start: Date | string = BEFORE_NON_EXPIRING_END): Clock {
  const offsetMs = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offsetMs) };
}
