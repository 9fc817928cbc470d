/**
 * The emulated shop in its own process, so that a benchmark measures the app's CPU time and memory
 * without the emulator's. Started by `startSandboxProcess`; prints `{"port":…}` on stdout when it
 * listens. No webhook subscriptions: the catalog benchmark measures reads, planning and writes.
 *
 *   tsx bench/support/sandbox-process.ts '{"shop":"x.myshopify.com","variants":100000,"throttle":{…}}'
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface SandboxProcessOptions {
  shop: string;
  variants: number;
  throttle: { bucketSize: number; restoreRate: number };
  apiKey: string;
  apiSecret: string;
  appUrl: string;
}

const self = fileURLToPath(import.meta.url);

export async function startSandboxProcess(options: SandboxProcessOptions): Promise<{ port: number; child: ChildProcess; cpuSeconds(): Promise<number>; stop(): void }> {
  const tsx = path.resolve(path.dirname(self), "../../node_modules/.bin/tsx");
  // The emulator answers a 100,000-variant bulk query from one in-memory result (several GB of
  // heap, more than Node's default limit here); its memory is not the app's.
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=16384`.trim() };
  const child = spawn(tsx, [self, JSON.stringify(options)], { stdio: ["ignore", "pipe", "inherit"], env });
  // The emulator must not outlive the benchmark, whatever way it ends.
  process.once("exit", () => child.kill());
  let buffer = "";
  const replies: ((line: string) => void)[] = [];
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      replies.shift()?.(line);
    }
  });
  const next = () => new Promise<string>((resolve) => replies.push(resolve));
  const { port } = JSON.parse(await next()) as { port: number };
  return {
    port,
    child,
    /** The emulator process's own CPU time so far (asked over its control endpoint). */
    async cpuSeconds() {
      const response = await fetch(`http://127.0.0.1:${port}/bench/cpu`);
      return ((await response.json()) as { seconds: number }).seconds;
    },
    stop: () => child.kill(),
  };
}

if (process.argv[1] === self) {
  const options = JSON.parse(process.argv[2]!) as SandboxProcessOptions;
  const { createSandbox, startSandboxServer } = await import("../../sandbox/index");
  const sandbox = createSandbox({
    shops: [options.shop],
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    appUrl: options.appUrl,
    seed: { variants: options.variants },
    throttle: options.throttle,
    subscriptions: [],
  });
  sandbox.install(options.shop);
  const server = await startSandboxServer({
    sandbox: {
      handle: (request: Request) => {
        if (new URL(request.url).pathname === "/bench/cpu") {
          const usage = process.cpuUsage();
          return Promise.resolve(Response.json({ seconds: (usage.user + usage.system) / 1e6 }));
        }
        return sandbox.handle(request);
      },
    },
    port: 0,
  });
  process.stdout.write(JSON.stringify({ port: server.port }) + "\n");
}
