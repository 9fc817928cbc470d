/**
 * Shopify's official schemas, loaded lazily and once (they are large: building the Admin
 * schema takes ~0.5 s). Licence: ./LICENSE.md (ISC, © Shopify Inc.).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_SCHEMA_FILE = fileURLToPath(new URL("./admin_2026-10.json.gz", import.meta.url));
export const FUNCTIONS_CART_VALIDATION_SCHEMA_FILE = fileURLToPath(
  new URL("./functions_cart_checkout_validation_2026-10.json.gz", import.meta.url),
);

function load(file: string): GraphQLSchema {
  const json = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data: IntrospectionQuery };
  return buildClientSchema(json.data);
}

let admin: GraphQLSchema | undefined;
let functions: GraphQLSchema | undefined;

/** Admin GraphQL API 2026-10, built once per process. */
export function adminSchema(): GraphQLSchema {
  admin ??= load(ADMIN_SCHEMA_FILE);
  return admin;
}

/** Cart and Checkout Validation Function API 2026-10, built once per process. */
export function cartValidationFunctionSchema(): GraphQLSchema {
  functions ??= load(FUNCTIONS_CART_VALIDATION_SCHEMA_FILE);
  return functions;
}
