// `remix build` for `npm run sandbox` and the browser tests, minus a Go runtime dump.
//
// Why not the `remix` bin: @remix-run/dev's CLI ends with `process.exit(0)` right after the build.
// esbuild's service child (started with `--ping`, stderr shared with our terminal) pings its host
// every second; when the host exits while a ping is unanswered (likely on a busy machine, where the
// build's last synchronous work delays the answer), the child reads EOF with the ping outstanding,
// every goroutine waits forever and Go prints "fatal error: all goroutines are asleep - deadlock!"
// plus all stacks (github.com/evanw/esbuild/issues/3287, #3635: traces in runService/sendRequest).
// Here the build runs in-process, pending pings are answered while the event loop idles, and
// esbuild's service is stopped before the process ends on its own.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { cli } = require("@remix-run/dev");
// The same esbuild module instance the compiler uses (one copy in node_modules).
const esbuild = require("esbuild");

try {
  await cli.run(["build"]);
} catch (error) {
  if (error) console.error(error);
  process.exitCode = 1;
}
await new Promise((resolve) => setTimeout(resolve, 50));
await esbuild.stop();
