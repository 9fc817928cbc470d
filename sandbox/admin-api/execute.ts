/**
 * One Admin GraphQL request, the way Shopify answers it:
 * parse → validate against the official schema → coerce variables → cost → throttle →
 * execute (custom field resolver over the sandbox state) → actual cost → cost block.
 */
import {
  execute,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  type OperationDefinitionNode,
} from "graphql";
import type { GraphQLRequestBody, GraphQLResult } from "../contract.js";
import { adminSchema } from "../schemas/index.js";
import { typeOfGid } from "../shop/ids.js";
import type { ApiContext } from "./context.js";
import { isConnectionResult } from "./connection.js";
import { actualQueryCost, requestedQueryCost, type CostInput } from "./cost.js";
import { coerceVariables, notEmulatedError, shopifyValidationErrors, type ShopifyError } from "./errors.js";
import { resolvers } from "./resolvers/index.js";
import { inputSizeErrors } from "./resolvers/input-limits.js";
import { checkFieldAccess } from "./scopes.js";
import { SINGLE_QUERY_MAX_COST, type LeakyBucket } from "./throttle.js";

/** Types whose fields are read straight off plain source objects (payloads, errors, plumbing). */
const PLAIN_TYPE = /(Payload|UserError|Edge|Connection)$/;
const PLAIN_TYPES = new Set(["PageInfo", "Count", "UserError"]);

const fieldResolver: GraphQLFieldResolver<unknown, ApiContext> = (source, args, ctx, info) => {
  const typeName = info.parentType.name;
  // A request whose answer is lost part-way: the root mutation fields after the first `limit` never ran.
  const loss = ctx.rootFieldsBeforeLoss;
  if (loss && info.parentType === info.schema.getMutationType() && info.path.prev === undefined && ++loss.ran > loss.limit) return null;
  // A missing scope nulls this field with ACCESS_DENIED at its path (./scopes.ts).
  checkFieldAccess(ctx.scopes, typeName, info.fieldName, args as Record<string, unknown>);
  const r = resolvers[typeName]?.[info.fieldName];
  if (r) return (r as (s: unknown, a: unknown, c: ApiContext, i: typeof info) => unknown)(source, args, ctx, info);
  if ((PLAIN_TYPE.test(typeName) || PLAIN_TYPES.has(typeName) || isConnectionResult(source)) && source && typeof source === "object" && info.fieldName in source) {
    return (source as Record<string, unknown>)[info.fieldName];
  }
  throw notEmulatedError(typeName, info.fieldName);
};

/** Records carry GIDs, which name their GraphQL type; catalogs are AppCatalogs. */
const typeResolver: GraphQLTypeResolver<unknown, ApiContext> = (value) => {
  if (value && typeof value === "object") {
    if ("__catalog" in value) return "AppCatalog";
    if ("id" in value && typeof value.id === "string") return typeOfGid(value.id) ?? undefined;
  }
  return undefined;
};

interface Prepared {
  document: DocumentNode;
  errors?: ShopifyError[];
}

/** Parsed + validated documents, by query text (apps send the same few documents). */
const documentCache = new Map<string, Prepared>();
const CACHE_LIMIT = 500;

function prepare(schema: GraphQLSchema, query: string): Prepared {
  const cached = documentCache.get(query);
  if (cached) return cached;
  let prepared: Prepared;
  try {
    const document = parse(query);
    const errors = validate(schema, document);
    prepared = { document, errors: errors.length ? shopifyValidationErrors(document, errors) : undefined };
  } catch (e) {
    const err = e as GraphQLError;
    prepared = {
      document: { kind: Kind.DOCUMENT, definitions: [] },
      errors: [{ message: err.message.replace(/^Syntax Error: /, "syntax error, "), locations: err.locations ? [...err.locations] : undefined, extensions: { code: "PARSE_ERROR" } }],
    };
  }
  if (documentCache.size >= CACHE_LIMIT) documentCache.delete(documentCache.keys().next().value!);
  documentCache.set(query, prepared);
  return prepared;
}

function pickOperation(doc: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | ShopifyError {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) {
    const op = ops.find((o) => o.name?.value === operationName);
    return op ?? { message: `No operation named "${operationName}"`, extensions: { code: "BAD_REQUEST" } };
  }
  if (ops.length === 1) return ops[0]!;
  return { message: "An operation name is required", extensions: { code: "BAD_REQUEST" } };
}

function serializeError(e: GraphQLError): ShopifyError {
  const json = e.toJSON() as ShopifyError;
  const out: ShopifyError = { message: json.message };
  if (json.locations) out.locations = json.locations;
  if (json.path) out.path = json.path;
  out.extensions = json.extensions && Object.keys(json.extensions).length ? json.extensions : { code: "INTERNAL_SERVER_ERROR" };
  return out;
}

/**
 * Runs one request for the calling app: `ctx` carries its API client and scopes, `bucket` is that
 * app's own leaky bucket on this shop. `onMutationExecuted` is told when a mutation ran (the shop
 * may have changed: persistence).
 */
export async function runGraphQL(body: GraphQLRequestBody, ctx: ApiContext, bucket: LeakyBucket, onMutationExecuted?: () => void): Promise<GraphQLResult> {
  const schema = adminSchema();
  if (!body || typeof body.query !== "string") {
    return { status: 400, body: { errors: [{ message: "No query string was present", extensions: { code: "BAD_REQUEST" } }] } };
  }
  const prepared = prepare(schema, body.query);
  // Parse/validation errors: only `errors` (Shopify runs no cost analysis on invalid documents).
  if (prepared.errors) return { status: 200, body: { errors: prepared.errors } };
  const op = pickOperation(prepared.document, body.operationName);
  if (!("kind" in op)) return { status: 200, body: { errors: [op] } };
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  const coercion = coerceVariables(schema, op, variables);
  // Variable coercion errors: only `errors`, no data, no cost (docs/decisions/016 §1).
  if (coercion.errors.length) return { status: 200, body: { errors: coercion.errors } };

  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of prepared.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const costInput: CostInput = { schema, operation: op, fragments, variables };
  const requested = requestedQueryCost(costInput);

  if (requested > SINGLE_QUERY_MAX_COST) {
    return {
      status: 200,
      body: {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: SINGLE_QUERY_MAX_COST, documentation: "https://shopify.dev/api/usage/limits#rate-limits" },
          },
        ],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
      },
    };
  }
  if (!bucket.canAfford(requested)) {
    return {
      status: 200,
      body: {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
      },
    };
  }

  // Input arrays over 250: `errors` only, the requested cost charged, actual null (./resolvers/input-limits.ts).
  const sizeErrors = inputSizeErrors(costInput);
  if (sizeErrors.length) {
    bucket.spend(requested);
    return { status: 200, body: { errors: sizeErrors, extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } } } };
  }

  const result = (await execute({
    schema,
    document: { kind: Kind.DOCUMENT, definitions: [op, ...Object.values(fragments)] },
    rootValue: {},
    contextValue: ctx,
    variableValues: variables,
    fieldResolver,
    typeResolver,
  })) as ExecutionResult;

  if (op.operation === "mutation") onMutationExecuted?.();
  const actual = actualQueryCost(costInput, result.data);
  bucket.spend(actual);
  const out: GraphQLResult["body"] = {};
  if (result.errors?.length) out.errors = result.errors.map(serializeError);
  out.data = result.data ?? null;
  out.extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() } };
  return { status: 200, body: out };
}
