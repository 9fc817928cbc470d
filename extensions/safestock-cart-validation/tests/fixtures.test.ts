/**
 * Fixture tests, as Shopify's function templates ship them (tests/fixtures/*.json with
 * `payload.{export,target,input,output}`, run by tests/default.test.js through
 * `@shopify/shopify-function-test-helpers`). That package builds with javy and runs the Wasm, which
 * cannot happen offline (docs/decisions/013), so each fixture is checked here with graphql-js
 * against the official Function schema instead, and the Function runs twice: directly, and bundled
 * (esbuild, as the CLI does) inside a bare `node:vm` realm with no Node globals — the closest we get
 * to javy's QuickJS.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { build } from "esbuild";
import { buildSchema, printSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { cartValidationFunctionSchema } from "../../../sandbox/schemas/index.js";
import { functionInputErrors, functionOutputErrors, inputQueryErrors } from "../../../sandbox/checkout/function-schema.js";
import * as entry from "../src/index.js";
import { cartValidationsGenerateRun, type CartValidationsGenerateRunInput } from "../src/index.js";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string) => readFileSync(path.join(dir, file), "utf8");
const query = read("src/cart_validations_generate_run.graphql");

interface Fixture {
  description?: string;
  payload: { export: string; target: string; input: CartValidationsGenerateRunInput; output: unknown };
}
const fixtures = readdirSync(path.join(dir, "tests/fixtures"))
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, fixture: JSON.parse(read(`tests/fixtures/${file}`)) as Fixture }));

/** The toml's single targeting entry, read with regexes (no TOML parser in the repo). */
function targeting() {
  const toml = read("shopify.extension.toml");
  const get = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, "m").exec(toml)?.[1];
  return { toml, apiVersion: get("api_version"), target: get("target"), inputQuery: get("input_query"), exportName: get("export"), type: get("type") };
}

describe("safestock-cart-validation extension", () => {
  it("is configured as a cart.validations.generate.run Function on API 2026-10", () => {
    const t = targeting();
    expect(t).toMatchObject({ apiVersion: "2026-10", type: "function", target: "cart.validations.generate.run", inputQuery: "src/cart_validations_generate_run.graphql" });
    expect(t.toml.match(/\[\[extensions\.targeting\]\]/g)).toHaveLength(1);
    // JS Functions: the Wasm export is the kebab-case of the exported JS function.
    expect(t.exportName).toBe("cart-validations-generate-run");
    const camel = t.exportName!.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    expect(camel).toBe("cartValidationsGenerateRun");
    expect(typeof (entry as Record<string, unknown>)[camel]).toBe("function");
  });

  it("has an input query that is valid against the official Function schema", () => {
    expect(inputQueryErrors(query)).toEqual([]);
    expect(query).toMatch(/metafield\(namespace: "safestock", key: "channels"\)/);
  });

  it("ships schema.graphql identical to the vendored Function schema", () => {
    expect(printSchema(buildSchema(read("schema.graphql")))).toBe(printSchema(cartValidationFunctionSchema()));
  });

  it("keeps src/ free of imports and Node APIs (it must compile to Wasm with javy)", () => {
    for (const file of readdirSync(path.join(dir, "src")).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const src = read(`src/${file}`);
      for (const m of src.matchAll(/\bfrom\s+["']([^"']+)["']/g)) expect(m[1], `${file} imports ${m[1]}`).toMatch(/^\.\//);
      expect(src, file).not.toMatch(/\b(process|require|fetch|Buffer|setTimeout|Date\.now|Math\.random)\b/);
    }
  });
});

describe("fixtures", () => {
  let bundled: (input: unknown) => unknown;
  beforeAll(async () => {
    const out = await build({ entryPoints: [path.join(dir, "src/index.ts")], bundle: true, format: "iife", globalName: "fn", target: "es2020", write: false, logLevel: "silent" });
    const context = vm.createContext({});
    vm.runInContext(out.outputFiles[0]!.text, context);
    const fn = (context as { fn: { cartValidationsGenerateRun: (input: unknown) => unknown } }).fn;
    // Cross the realm through JSON, as input and output cross the Wasm boundary.
    bundled = (input) => JSON.parse(vm.runInContext(`JSON.stringify(fn.cartValidationsGenerateRun(${JSON.stringify(input)}))`, context) as string);
    expect(typeof fn.cartValidationsGenerateRun).toBe("function");
  });

  it("exist", () => expect(fixtures.length).toBeGreaterThanOrEqual(10));

  for (const { file, fixture } of fixtures) {
    it(`${file}: ${fixture.description ?? ""}`, () => {
      const { payload } = fixture;
      expect(payload.export).toBe(targeting().exportName);
      expect(payload.target).toBe(targeting().target);
      // (a) the input is exactly what the input query returns, typed by the official schema.
      expect(functionInputErrors(query, payload.input)).toEqual([]);
      // (b) the expected output is a valid CartValidationsGenerateRunResult.
      expect(functionOutputErrors(payload.output)).toEqual([]);
      expect(cartValidationsGenerateRun(payload.input)).toEqual(payload.output);
      expect(bundled(payload.input)).toEqual(payload.output);
    });
  }
});

describe("the schema checks themselves", () => {
  it("reject an output the schema does not accept", () => {
    expect(functionOutputErrors({ operations: [{ validationAdd: { errors: [{ message: "x" }] } }] }).join()).toMatch(/target/);
    expect(functionOutputErrors({ operations: [{ validationAdd: { errors: [{ localizedMessage: "x", target: "$.cart" }] } }] }).join()).toMatch(/localizedMessage/);
    expect(functionOutputErrors({ errors: [] }).join()).toMatch(/operations/);
  });

  it("reject an input that does not match the query", () => {
    const input = { buyerJourney: { step: "PAYING" }, cart: { lines: [] } };
    expect(functionInputErrors(query, input).join()).toMatch(/BuyerJourneyStep/);
    expect(functionInputErrors(query, { buyerJourney: { step: null }, cart: { attribute: null, holdState: null, lines: [], extra: 1 } }).join()).toMatch(/does not select/);
    expect(functionInputErrors(query, { buyerJourney: { step: null }, cart: { attribute: null, holdState: null, lines: [{ quantity: 1 }] } }).join()).toMatch(/merchandise/);
  });

  it("reject an input query the schema does not know", () => {
    expect(inputQueryErrors("query { cart { lines { quantity inventory } } }").join()).toMatch(/inventory/);
  });
});
