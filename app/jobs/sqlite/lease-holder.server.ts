import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/**
 * Who holds a lease, written at the start of its token: `<pid>@<host>#<incarnation>/`. The
 * incarnation is drawn once per process, so a restarted worker that got its old pid back (pid 1
 * in a container) can still tell its previous life's leases from its own.
 */
const INCARNATION = randomUUID().slice(0, 8);
export const LEASE_HOLDER = `${process.pid}@${hostname()}#${INCARNATION}/`;
const HOLDER_RE = /^(\d+)@([^#/]+)#([^/]+)\//;

/**
 * Whether the process that took a lease is gone, as far as this process can know for sure.
 * Reclaimed: a lease taken on this host by a pid that is not alive (ESRCH), or by this pid in a
 * previous incarnation (our pid is ours now, so that holder is dead). Never reclaimed: a lease of
 * a live process (`npm run worker` beside the web process on one database: EPERM also means
 * alive), a lease taken on another host (its pids mean nothing here), a token without a holder
 * (written before holders were recorded). A dead holder's pid reused by an unrelated process
 * reads as alive: that lease just waits out its visibility timeout, as every lease did before.
 * The host name stands for the pid namespace: the SQLite file is local to one machine
 * (app/jobs/queue-factory.server.ts refuses PostgreSQL for this adapter).
 */
export function leaseHolderIsGone(token: string, isAlive: (pid: number) => boolean = processIsAlive): boolean {
  const holder = HOLDER_RE.exec(token);
  if (!holder) return false;
  const [, pidText, host, incarnation] = holder;
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (pid === process.pid) return incarnation !== INCARNATION;
  return !isAlive(pid);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence and permission check only (kill(2))
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
