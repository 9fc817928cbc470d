// Generates the Postgres Prisma client (node_modules/.prisma-postgres/client) and points it at
// the runtime of @prisma/client, which the SQLite client uses. Prisma copies its runtime next to
// a client generated to a custom path; two copies of the runtime mean two sets of error classes,
// and app code checks `error instanceof Prisma.PrismaClientKnownRequestError` (P2002 → duplicate)
// against @prisma/client's. The runtimes are the same version (6.19.3), only the header differs.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
execFileSync(path.join(root, "node_modules/.bin/prisma"), ["generate", "--config", "prisma/postgres/prisma.config.ts"], { cwd: root, stdio: "inherit" });

const clientDir = path.join(root, "node_modules/.prisma-postgres/client");
for (const file of ["index.js", "index.d.ts", "default.d.ts", "client.d.ts"]) {
  const full = path.join(clientDir, file);
  let text;
  try {
    text = readFileSync(full, "utf8");
  } catch {
    continue;
  }
  const patched = text.replace(/(["'])\.\/runtime\/(client|library)(\.js)?\1/g, (_, quote, name, ext = "") => `${quote}@prisma/client/runtime/${name}${ext}${quote}`);
  if (patched !== text) writeFileSync(full, patched);
}
