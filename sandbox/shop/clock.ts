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
