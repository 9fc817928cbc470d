/**
 * No import cycles in app/ (docs/decisions/001-layers-and-pure-domain.md): a cycle makes module
 * initialisation order matter and usually means a layer reaches back up. Static imports only
 * (type-only imports are erased; `import()` is a deliberate late binding).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const appDir = path.join(root, "app");

/**
 * Cycles that exist and are known, each with how to break it. The test fails when one of them
 * is gone too, so the entry is removed with the fix.
 */
const KNOWN_CYCLES: Record<string, string> = {};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === "__fixtures__" ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry) && !entry.endsWith(".d.ts") ? [full] : [];
  });
}

function resolveImport(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("~/")) base = path.join(appDir, specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(from), specifier);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const statement = /^\s*(import|export)\s+(?!type\s)[^;]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;
  for (const file of sourceFiles(appDir)) {
    const text = readFileSync(file, "utf8");
    const targets = new Set<string>();
    for (const match of text.matchAll(statement)) {
      const resolved = resolveImport(file, match[2] ?? match[3]);
      if (resolved && resolved.startsWith(appDir)) targets.add(resolved);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(path.relative(root, member));
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("architecture", () => {
  it("has no import cycles in app/ beyond the known ones", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50); // the scan found the code
    const found = cycles(graph).map((component) => component.join(" -> "));
    const unknown = found.filter((cycle) => !(cycle in KNOWN_CYCLES));
    expect(unknown, "import cycle(s) in app/: move the shared part into a module both import").toEqual([]);
    const fixed = Object.keys(KNOWN_CYCLES).filter((cycle) => !found.includes(cycle));
    expect(fixed, "a known cycle is gone: remove it from KNOWN_CYCLES in tests/architecture.test.ts").toEqual([]);
  });

  it("detects a cycle (the checker is not blind)", () => {
    const a = path.join(appDir, "a.ts");
    const b = path.join(appDir, "b.ts");
    const c = path.join(appDir, "c.ts");
    expect(cycles(new Map([[a, [b]], [b, [a, c]], [c, []]]))).toEqual([["app/a.ts", "app/b.ts"]]);
  });
});
