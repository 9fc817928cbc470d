import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withAppBuildLock } from "./stack.js";

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
