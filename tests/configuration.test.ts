/**
 * One configuration (docs/decisions/023-composition-root.md): every variable of the schema in
 * app/env.server.ts is documented in `.env.example` and in the README's configuration table, and
 * the configuration module is the only place in app/ that reads `process.env`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ENV_VARIABLES } from "~/env.server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [full] : [];
  });
}

describe("the configuration", () => {
  it("documents every variable in .env.example and the README's table", () => {
    const example = read(".env.example");
    const readme = read("README.md");
    const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
    const undocumented = ENV_VARIABLES.filter((name) => !new RegExp(`^#? ?${name}=`, "m").test(example) || !table.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });

  it("is read from the environment in app/env.server.ts only", () => {
    const readers = sourceFiles(path.join(root, "app"))
      .filter((file) => /process\.env\b/.test(readFileSync(file, "utf8").replace(/^\s*(\/\/|\*).*$/gm, "")))
      .map((file) => path.relative(root, file));
    expect(readers).toEqual(["app/env.server.ts"]);
  });
});
