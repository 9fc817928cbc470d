/** Helpers for tests that start the app or the emulated shop in their own processes. */
import { createServer } from "node:net";

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Probes every 250 ms until `probe` gives a value (null or a rejection: not yet), or throws
 * "timed out" after `deadline` (epoch ms). A probe that throws on its last try is not swallowed.
 */
export async function until<T>(deadline: number, probe: () => Promise<T | null>, everyMs = 250): Promise<T> {
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      if (Date.now() > deadline) throw error;
      return null;
    });
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
