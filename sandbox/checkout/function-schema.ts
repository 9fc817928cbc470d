/**
 * Checks a cart-validation Function's assets against Shopify's official Function schema
 * (../schemas/functions_cart_checkout_validation_2026-10.json.gz), with graphql-js only — the
 * same three checks `@shopify/shopify-function-test-helpers` `validateTestAssets` makes for the
 * templates' fixture tests, which we cannot install offline:
 *   1. the input query is a valid document for the schema (its root type is `Input`);
 *   2. an input (fixture or emulated) is exactly what that query would return;
 *   3. an output coerces as the target's result input type (`MutationRoot.cartValidationsGenerateRun(result:)`).
 */
import {
  coerceInputValue,
  executeSync,
  GraphQLError,
  isObjectType,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from "graphql";
import { cartValidationFunctionSchema } from "../schemas/index.js";

/**
 * The MutationRoot field whose `result` argument types the output of the Function target
 * `cart.validations.generate.run`.
 */
const RESULT_FIELD = "cartValidationsGenerateRun";

export function functionSchema(): GraphQLSchema {
  return cartValidationFunctionSchema();
}

/** Parse and validate an input query; syntax and validation errors come back as messages. */
export function inputQueryErrors(query: string, schema: GraphQLSchema = functionSchema()): string[] {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return [error instanceof GraphQLError ? error.message : String(error)];
  }
  return validate(schema, document).map((e) => e.message);
}

/** The parsed input query, or an Error listing why Shopify would reject it at deploy. */
export function parseInputQuery(query: string, schema: GraphQLSchema = functionSchema()): DocumentNode {
  const errors = inputQueryErrors(query, schema);
  if (errors.length) throw new Error(`Invalid Function input query:\n  ${errors.join("\n  ")}`);
  return parse(query);
}

/** `CartValidationsGenerateRunResult`, read off the target's MutationRoot field (not hard-coded). */
function resultType(schema: GraphQLSchema = functionSchema()): GraphQLInputType {
  const field = schema.getMutationType()?.getFields()[RESULT_FIELD];
  const arg = field?.args.find((a) => a.name === "result");
  if (!arg) throw new Error(`The Function schema has no MutationRoot.${RESULT_FIELD}(result:)`);
  return arg.type;
}

/**
 * Errors coercing `output` as the target's result type: missing required fields, unknown fields,
 * wrong scalar types — what Shopify reports as an invalid Function output. Empty when valid.
 */
export function functionOutputErrors(output: unknown, schema: GraphQLSchema = functionSchema()): string[] {
  const errors: string[] = [];
  coerceInputValue(output, resultType(schema), (path, _invalid, error) => {
    errors.push(path.length ? `${error.message} (at result.${path.join(".")})` : error.message);
  });
  return errors;
}

/** Union members are told apart by `__typename` when present, else by which type has every key. */
const fixtureTypeResolver: GraphQLTypeResolver<unknown, unknown> = (value, _ctx, info, abstractType) => {
  const obj = (value ?? {}) as Record<string, unknown>;
  if (typeof obj.__typename === "string") return obj.__typename;
  const keys = Object.keys(obj);
  for (const type of info.schema.getPossibleTypes(abstractType)) {
    if (isObjectType(type) && keys.every((k) => k in type.getFields())) return type.name;
  }
  return undefined;
};

/** Reads each field from the value by response key and refuses to invent missing ones. */
const fixtureFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _ctx, info) => {
  const obj = source as Record<string, unknown>;
  const key = String(info.path.key);
  if (!(key in obj)) throw new Error(`missing \`${key}\` (${info.parentType.name}.${info.fieldName})`);
  return obj[key];
};

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => k in b && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Errors when `input` is not exactly the result of `query`: every requested field present with a
 * value of its schema type (enums, non-null, lists), and nothing the query did not ask for.
 */
export function functionInputErrors(query: string, input: unknown, schema: GraphQLSchema = functionSchema()): string[] {
  const document = parseInputQuery(query, schema);
  const result = executeSync({ schema, document, rootValue: input, fieldResolver: fixtureFieldResolver, typeResolver: fixtureTypeResolver });
  const errors = (result.errors ?? []).map((e) => `${e.message}${e.path ? ` (at ${e.path.join(".")})` : ""}`);
  if (!errors.length && !sameJson(JSON.parse(JSON.stringify(result.data)), input)) {
    errors.push("input has fields the input query does not select (or values that do not round-trip)");
  }
  return errors;
}
