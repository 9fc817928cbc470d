/**
 * Whether build/ (and public/build/) is what `remix build` makes of the sources as they are now,
 * so `npm test` builds the app once and every later user (the other test files that start
 * remix-serve, the browser tests' global setup, `npm run chaos`, the PostgreSQL step of .ci/run,
 * `npm run sandbox`) reuses it, yet never runs a stale one (docs/decisions/037).
 *
 * The stamp, written beside the build after it succeeded, holds two digests:
 * - the inputs: every file under app/ (unit tests beside the code included: one edited costs a
 *   rebuild, never a stale build), the build's configuration (remix.config.js, tsconfig.json,
 *   package.json, the build script) and the installed packages (node_modules/.package-lock.json,
 *   which npm rewrites on every install: the bundled @shopify/* and React code). A build's metafiles
 *   list no other input (no file outside app/ and node_modules/);
 * - the outputs: every file the build wrote, so a build/ changed since (`remix dev`, a hand-run
 *   `remix build` with another NODE_ENV, a deleted asset) is not taken for ours.
 * Contents are hashed, not modification times: a checkout or `touch` that changes no byte keeps
 * the build, any changed byte (an edit between two runs, or during one) rebuilds it.
 */
import { createHash, type Hash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const INPUTS = ["app", "remix.config.js", "tsconfig.json", "package.json", "sandbox/remix-build.mjs", "node_modules/.package-lock.json"];
const OUTPUTS = ["build", "public/build"];
const STAMP = path.join("build", ".sources-stamp.json");

interface Stamp {
  inputs: string;
  outputs: string;
}

/** The digest of the build's inputs now; compute it before building (an edit during the build then rebuilds next time). */
export function buildInputsDigest(root: string): string {
  return digest(root, INPUTS);
}

/** True when build/ was made from exactly `inputs` and is as that build left it. */
export function buildIsCurrent(root: string, inputs: string): boolean {
  const stamp = readStamp(root);
  return stamp !== null && stamp.inputs === inputs && stamp.outputs === digest(root, OUTPUTS);
}

/** Before a build: a build that fails or is interrupted leaves no stamp behind. */
export function removeBuildStamp(root: string): void {
  rmSync(path.join(root, STAMP), { force: true });
}

/** After a successful build of `inputs`. */
export function writeBuildStamp(root: string, inputs: string): void {
  const stamp: Stamp = { inputs, outputs: digest(root, OUTPUTS) };
  writeFileSync(path.join(root, STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
}

function readStamp(root: string): Stamp | null {
  try {
    const parsed = JSON.parse(readFileSync(path.join(root, STAMP), "utf8")) as Partial<Stamp>;
    return typeof parsed.inputs === "string" && typeof parsed.outputs === "string" ? { inputs: parsed.inputs, outputs: parsed.outputs } : null;
  } catch {
    return null; // no build yet, or a stamp from an interrupted write
  }
}

/** sha256 over each file's path (relative to `root`, sorted) and bytes; a missing path counts as such. */
function digest(root: string, paths: readonly string[]): string {
  const hash = createHash("sha256");
  for (const entry of paths) addPath(hash, root, entry);
  return hash.digest("hex");
}

function addPath(hash: Hash, root: string, relative: string): void {
  const absolute = path.join(root, relative);
  if (relative === STAMP) return;
  if (!existsSync(absolute)) {
    hash.update(`missing\0${relative}\0`);
    return;
  }
  if (statSync(absolute).isDirectory()) {
    for (const name of readdirSync(absolute).sort()) addPath(hash, root, path.posix.join(relative, name));
    return;
  }
  const bytes = readFileSync(absolute);
  hash.update(`file\0${relative}\0${bytes.byteLength}\0`);
  hash.update(bytes);
}
