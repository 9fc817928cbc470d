import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseBulkRate, parseIdBaseFlag, parseSeed, parseTimeZoneFlag, StackError, withAppBuildLock } from "./stack.js";

describe("withAppBuildLock", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "safestock-lock-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs one holder at a time and releases the lock after each", async () => {
    const lock = path.join(dir, "serial.lock");
    const events: string[] = [];
    const hold = (name: string) =>
      withAppBuildLock(async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        events.push(`${name} out`);
        return name;
      }, { lock });
    expect(await Promise.all([hold("a"), hold("b")])).toEqual(["a", "b"]);
    expect(events).toEqual(["a in", "a out", "b in", "b out"]);
  });

  it("takes over a lock whose owner is gone", async () => {
    const lock = path.join(dir, "stale.lock");
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!; // exited: its pid is free
    mkdirSync(lock);
    writeFileSync(path.join(lock, "pid"), String(gone));
    expect(await withAppBuildLock(async () => "built", { lock, timeoutMs: 5_000 })).toBe("built");
  });
});

describe("npm run sandbox's seed flags", () => {
  it("seeds the realistic catalog by default, the plain one with --catalog plain, a generated one with --variants", () => {
    expect(parseSeed({})).toBe("realistic");
    expect(parseSeed({ catalog: "plain" })).toBe("default");
    expect(parseSeed({ variants: "1500" })).toEqual({ variants: 1500, catalog: "realistic" });
    expect(parseSeed({ variants: "1500", catalog: "PLAIN" })).toEqual({ variants: 1500, catalog: "plain" });
    expect(() => parseSeed({ variants: "1.5k" })).toThrow(StackError);
    expect(() => parseSeed({ catalog: "huge" })).toThrow(StackError);
  });

  it("--id-base takes a whole number of up to 19 digits, kept as text", () => {
    expect(parseIdBaseFlag(undefined)).toBeUndefined();
    expect(parseIdBaseFlag("9007199254740993")).toBe("9007199254740993");
    expect(() => parseIdBaseFlag("-1")).toThrow(StackError);
    expect(() => parseIdBaseFlag("12345678901234567890")).toThrow(StackError);
  });

  it("--time-zone takes an IANA zone name", () => {
    expect(parseTimeZoneFlag(undefined)).toBeUndefined();
    expect(parseTimeZoneFlag("Europe/Paris")).toBe("Europe/Paris");
    expect(() => parseTimeZoneFlag("Mars/Olympus")).toThrow(StackError);
  });

  it("--bulk-rate takes a positive number of objects a second", () => {
    expect(parseBulkRate(undefined)).toBeUndefined();
    expect(parseBulkRate("500")).toBe(500);
    expect(parseBulkRate("0.5")).toBe(0.5);
    expect(() => parseBulkRate("0")).toThrow(StackError);
    expect(() => parseBulkRate("fast")).toThrow(StackError);
  });
});
