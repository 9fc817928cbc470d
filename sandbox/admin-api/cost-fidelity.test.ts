/**
 * Cost fidelity: recorded real Admin API costs (extensions.cost) for the query shapes Safestock
 * uses, replayed through ./cost.ts. The expected figures are Shopify's, not ours: see the
 * fixture's `about` and each case's `source` (airhorns/shopify-draft-proxy captures,
 * docs/decisions/016 §1). Gate: ≥ 95 % exact on the shapes Safestock sends (connections read
 * through `nodes`); the `edges { node }` shapes are reported alongside.
 */
import { readFileSync } from "node:fs";
import { Kind, parse, validate, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchema } from "../schemas/index.js";
import { actualQueryCost, connectionSize, requestedQueryCost, type CostInput } from "./cost.js";

interface CostCase {
  query: string;
  selectsEdges: boolean;
  variables: Record<string, unknown>;
  data: unknown;
  requestedQueryCost: number;
  actualQueryCost: number | null;
  source: string;
}

const FIXTURE = new URL("./cost-fidelity.fixture.json", import.meta.url);
const { cases } = JSON.parse(readFileSync(FIXTURE, "utf8")) as { cases: CostCase[] };
const REQUIRED_EXACT = 0.95;

function costInput(c: CostCase): CostInput {
  const document = parse(c.query);
  const errors = validate(adminSchema(), document);
  if (errors.length) throw new Error(`${c.source}: ${errors[0]!.message}`);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return { schema: adminSchema(), operation, fragments, variables: c.variables };
}

interface Rate {
  exact: number;
  total: number;
  misses: string[];
}

function rate(list: CostCase[], which: "requested" | "actual"): Rate {
  const out: Rate = { exact: 0, total: 0, misses: [] };
  for (const c of list) {
    const expected = which === "requested" ? c.requestedQueryCost : c.actualQueryCost;
    if (expected === null) continue;
    const input = costInput(c);
    const got = which === "requested" ? requestedQueryCost(input) : actualQueryCost(input, c.data);
    out.total++;
    if (got === expected) out.exact++;
    else out.misses.push(`${c.source}: ${which} ${got}, Shopify ${expected}`);
  }
  return out;
}

const pct = (r: Rate): string => `${r.exact}/${r.total} = ${((100 * r.exact) / r.total).toFixed(1)} %`;

describe("query cost fidelity against recorded Shopify responses", () => {
  it("every case validates against the 2026-10 schema and has a source", () => {
    expect(cases.length).toBeGreaterThan(300);
    for (const c of cases) {
      expect(c.source).toMatch(/^[\w.-]+\/\d{4}-\d{2}\/[\w-]+\/[\w.-]+\.json#/);
      expect(() => costInput(c)).not.toThrow();
    }
  });

  it(`matches Shopify exactly on ≥ ${REQUIRED_EXACT * 100} % of the shapes Safestock sends, requested and actual`, () => {
    const nodesShapes = cases.filter((c) => !c.selectsEdges);
    const edgeShapes = cases.filter((c) => c.selectsEdges);
    const requested = rate(nodesShapes, "requested");
    const actual = rate(nodesShapes, "actual");
    const edgeRequested = rate(edgeShapes, "requested");
    const edgeActual = rate(edgeShapes, "actual");
    console.info(
      [
        `cost fidelity (nodes shapes, gated): requested ${pct(requested)}, actual ${pct(actual)}`,
        `cost fidelity (edges shapes, reported): requested ${pct(edgeRequested)}, actual ${pct(edgeActual)}`,
        ...[...requested.misses, ...actual.misses].map((m) => `  miss ${m}`),
      ].join("\n"),
    );
    expect(requested.exact / requested.total).toBeGreaterThanOrEqual(REQUIRED_EXACT);
    expect(actual.exact / actual.total).toBeGreaterThanOrEqual(REQUIRED_EXACT);
  });

  it("connection sizes reproduce the recorded X(first: N) { nodes { id } } costs 3, 6, 9, 11, 13", () => {
    // docs/decisions/012 "Rate limits": N = 1, 10, 50, 100, 250 cost 3, 6, 9, 11, 13 (2 + size(N) × one node).
    expect([1, 10, 50, 100, 250].map((n) => 2 + connectionSize(n))).toEqual([3, 6, 9, 11, 13]);
  });
});
