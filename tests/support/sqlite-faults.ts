/**
 * Storage faults from another process, shared by tests/database-lock.test.ts and `npm run chaos`
 * (bench/chaos.ts): a second process that takes SQLite's write lock on a database file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const betterSqlite3 = createRequire(import.meta.url).resolve("better-sqlite3");

/** A process that takes SQLite's write lock on `file` (BEGIN IMMEDIATE) and commits after `lockMs`; resolves once it holds the lock. */
export async function holdWriteLock(file: string, lockMs: number): Promise<ChildProcess> {
  const script = `
    const Database = require(${JSON.stringify(betterSqlite3)});
    const db = new Database(${JSON.stringify(file)});
    db.exec("BEGIN IMMEDIATE");
    db.prepare("INSERT INTO Heartbeat (name, at) VALUES ('lock-holder', 0) ON CONFLICT(name) DO UPDATE SET at = 0").run();
    console.log("locked");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${lockMs});`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on("line", (line) => line === "locked" && resolve());
    child.once("exit", (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}
