/**
 * Cost fidelity: recorded real Admin API costs (extensions.cost) for the query shapes Safestock
 * uses, replayed through ./cost.ts. The expected figures are Shopify's, not ours: see the
 * fixture's `about` and each case's `source` (airhorns/shopify-draft-proxy captures,
 * docs/decisions/016 §1). Gates: the house rule (sandbox is never kinder than Shopify) — no recorded
 * case, `nodes` or `edges` shape, requested or actual, costs less in the model than Shopify charged,
 * save the two pinned below; ≥ 93 % exact on the shapes Safestock sends (connections read through
 * `nodes`), where the misses are the model's deliberate over-charges of at most 3 points
 * (docs/decisions/016 §1, amended 2026-12-06); the `edges { node }` shapes are reported alongside.
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
const REQUIRED_EXACT = 0.93;
const MAX_OVER_CHARGE = 3;

/**
 * The only recorded costs the model stays below, each pinned to its exact gap so that any other
 * under-charge fails (docs/decisions/016 §1, amended 2026-12-06):
 * - CostShape2: `inventoryLevel(id:)` on very-big-test-store, API 2025-01, 61 requested / 8 actual:
 *   an unpublished manual cost (see cost.ts) that the 2026-04 recordings of the same field on
 *   harry-test-heelo do not carry (CostShape312: 2 and 2, exact; CostShape340);
 * - CostShape299 requested: 9 where the rule gives 7, while CostShape298 from the same capture
 *   (same fields, `first: 2`) is exact; no actual cost was recorded and no rule explains the 2.
 */
const PINNED_UNDER_CHARGES: Record<string, number> = {
  "CostShape2 requested": 58,
  "CostShape2 actual": 5,
  "CostShape299 requested": 2,
};

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
  /** Cases where the model charged less than Shopify, as "CostShapeN requested|actual" → gap. */
  under: Map<string, number>;
  maxOver: number;
}

function rate(list: CostCase[], which: "requested" | "actual"): Rate {
  const out: Rate = { exact: 0, total: 0, misses: [], under: new Map(), maxOver: 0 };
  for (const c of list) {
    const expected = which === "requested" ? c.requestedQueryCost : c.actualQueryCost;
    if (expected === null) continue;
    const input = costInput(c);
    const got = which === "requested" ? requestedQueryCost(input) : actualQueryCost(input, c.data);
    out.total++;
    if (got === expected) out.exact++;
    else out.misses.push(`${caseName(c)} ${c.source}: ${which} ${got}, Shopify ${expected}`);
    if (got < expected) out.under.set(`${caseName(c)} ${which}`, expected - got);
    else out.maxOver = Math.max(out.maxOver, got - expected);
  }
  return out;
}

function caseName(c: CostCase): string {
  return /^\s*(?:query|mutation)\s+(\w+)/.exec(c.query)?.[1] ?? c.source;
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

  it("never charges less than Shopify did, requested or actual, on any recorded case (save the pinned gaps)", () => {
    const under = new Map<string, number>();
    for (const which of ["requested", "actual"] as const) for (const [name, gap] of rate(cases, which).under) under.set(name, gap);
    expect(Object.fromEntries(under)).toEqual(PINNED_UNDER_CHARGES);
  });

  it(`over-charges the shapes Safestock sends by at most ${MAX_OVER_CHARGE} points`, () => {
    const nodesShapes = cases.filter((c) => !c.selectsEdges);
    expect(rate(nodesShapes, "requested").maxOver).toBeLessThanOrEqual(MAX_OVER_CHARGE);
    expect(rate(nodesShapes, "actual").maxOver).toBeLessThanOrEqual(MAX_OVER_CHARGE);
  });

  it("connection sizes reproduce the recorded X(first: N) { nodes { id } } costs 3, 6, 9, 11, 13", () => {
    // docs/decisions/012 "Rate limits": N = 1, 10, 50, 100, 250 cost 3, 6, 9, 11, 13 (2 + size(N) × one node).
    expect([1, 10, 50, 100, 250].map((n) => 2 + connectionSize(n))).toEqual([3, 6, 9, 11, 13]);
  });
});
