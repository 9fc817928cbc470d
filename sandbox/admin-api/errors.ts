/**
 * Shopify-shaped errors for documents graphql-js rejects. Shopify runs graphql-ruby, whose
 * static-validation messages differ from graphql-js'; we map the common ones to Shopify's
 * text and `extensions.code` (docs/decisions/016 §1, §7: `Field 'code' doesn't exist on
 * type 'UserError'` / `undefinedField`, `Directive @idempotent is not defined` /
 * `undefinedDirective`, `Directive 'idempotent' is missing required arguments: key` /
 * `missingRequiredArguments`, `Variable $x is declared by Op but not used` / `variableNotUsed`).
 * Unmapped messages keep graphql-js' text with code `GRAPHQL_VALIDATION_FAILED`.
 */
import {
  coerceInputValue,
  getNamedType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  print,
  typeFromAST,
  valueFromAST,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { isGid } from "../shop/ids.js";

export interface ShopifyError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

interface NodeInfo {
  path: string[];
  fieldName?: string;
  argName?: string;
}

/** graphql-ruby style paths: ["query Op", "field", "sub"] / ["mutation", …] / ["fragment F", …]. */
function indexNodes(doc: DocumentNode): Map<ASTNode, NodeInfo> {
  const map = new Map<ASTNode, NodeInfo>();
  const stack: string[] = [];
  let currentField: string | undefined;
  let currentArg: string | undefined;
  visit(doc, {
    OperationDefinition: {
      enter(node) {
        stack.push(node.name ? `${node.operation} ${node.name.value}` : node.operation);
        map.set(node, { path: [...stack] });
      },
      leave() {
        stack.pop();
      },
    },
    FragmentDefinition: {
      enter(node) {
        stack.push(`fragment ${node.name.value}`);
        map.set(node, { path: [...stack] });
      },
      leave() {
        stack.pop();
      },
    },
    Field: {
      enter(node) {
        stack.push(node.name.value);
        currentField = node.name.value;
        map.set(node, { path: [...stack], fieldName: node.name.value });
      },
      leave() {
        stack.pop();
        currentField = stack[stack.length - 1];
      },
    },
    Argument: {
      enter(node) {
        currentArg = node.name.value;
        map.set(node, { path: [...stack], fieldName: currentField, argName: node.name.value });
      },
      leave() {
        currentArg = undefined;
      },
    },
    enter(node) {
      if (!map.has(node)) map.set(node, { path: [...stack], fieldName: currentField, argName: currentArg });
    },
  });
  return map;
}

function anonymousOpLabel(doc: DocumentNode): string {
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
  return op?.name?.value ?? `anonymous ${op?.operation ?? "query"}`;
}

export function shopifyValidationErrors(doc: DocumentNode, errors: readonly GraphQLError[]): ShopifyError[] {
  const index = indexNodes(doc);
  const out: ShopifyError[] = [];
  const missingArgs = new Map<string, ShopifyError>();
  for (const err of errors) {
    const node = err.nodes?.[0];
    const info = (node && index.get(node)) ?? { path: [] };
    const base = { locations: err.locations ? [...err.locations] : undefined, path: info.path };
    const msg = err.message;
    let m: RegExpExecArray | null;
    if ((m = /^Cannot query field "(.+?)" on type "(.+?)"\./.exec(msg))) {
      out.push({ message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, ...base, extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] } });
    } else if ((m = /^Unknown directive "@(.+?)"\./.exec(msg))) {
      out.push({ message: `Directive @${m[1]} is not defined`, ...base, extensions: { code: "undefinedDirective", directiveName: m[1] } });
    } else if ((m = /^(Directive|Field) "@?(.+?)" argument "(.+?)" of type ".+?" is required, but it was not provided\./.exec(msg))) {
      const [, className, name, arg] = m as unknown as [string, string, string, string];
      const key = `${className}|${name}|${err.locations?.[0]?.line}:${err.locations?.[0]?.column}`;
      const prev = missingArgs.get(key);
      if (prev) {
        const args = `${(prev.extensions!.arguments as string)}, ${arg}`;
        prev.extensions!.arguments = args;
        prev.message = `${className} '${name}' is missing required arguments: ${args}`;
      } else {
        const e: ShopifyError = { message: `${className} '${name}' is missing required arguments: ${arg}`, ...base, extensions: { code: "missingRequiredArguments", className, name, arguments: arg } };
        missingArgs.set(key, e);
        out.push(e);
      }
    } else if ((m = /^Variable "\$(.+?)" is never used(?: in operation "(.+?)")?\./.exec(msg))) {
      out.push({ message: `Variable $${m[1]} is declared by ${m[2] ?? anonymousOpLabel(doc)} but not used`, ...base, extensions: { code: "variableNotUsed", variableName: m[1] } });
    } else if ((m = /^Variable "\$(.+?)" is not defined(?: by operation "(.+?)")?\./.exec(msg))) {
      out.push({ message: `Variable $${m[1]} is used by ${m[2] ?? anonymousOpLabel(doc)} but not declared`, ...base, extensions: { code: "variableNotDefined", variableName: m[1] } });
    } else if ((m = /^Unknown argument "(.+?)" on field "(?:.+?)\.(.+?)"\./.exec(msg))) {
      out.push({ message: `Field '${m[2]}' doesn't accept argument '${m[1]}'`, ...base, extensions: { code: "argumentNotAccepted", name: m[2], typeName: "Field", argumentName: m[1] } });
    } else if ((m = /^Unknown argument "(.+?)" on directive "@(.+?)"\./.exec(msg))) {
      out.push({ message: `Directive '${m[2]}' doesn't accept argument '${m[1]}'`, ...base, extensions: { code: "argumentNotAccepted", name: m[2], typeName: "Directive", argumentName: m[1] } });
    } else if ((m = /^Field "(.+?)" of type "(.+?)" must have a selection of subfields/.exec(msg))) {
      out.push({ message: `Field must have selections (field '${m[1]}' returns ${m[2]} but has no selections. Did you mean '${m[1]} { ... }'?)`, ...base, extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'` } });
    } else if ((m = /^Field "(.+?)" must not have a selection since type "(.+?)" has no subfields\./.exec(msg))) {
      out.push({ message: `Selections can't be made on scalars (field '${m[1]}' returns ${m[2]} but has selections [${node && "selectionSet" in node && node.selectionSet ? node.selectionSet.selections.map((s) => (s.kind === "Field" ? s.name.value : "...")).join(", ") : ""}])`, ...base, extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName: m[2] } });
    } else if ((m = /^Unknown type "(.+?)"\./.exec(msg))) {
      out.push({ message: `No such type ${m[1]}, so it can't be a fragment condition`, ...base, extensions: { code: "undefinedType", typeName: m[1] } });
    } else if (/^Expected value of type "(.+?)", found|cannot represent/.test(msg) && info.argName && node) {
      const t = /type "(.+?)"/.exec(msg)?.[1] ?? "";
      out.push({ message: `Argument '${info.argName}' on Field '${info.fieldName}' has an invalid value (${print(node)}). Expected type '${t}'.`, ...base, extensions: { code: "argumentLiteralsIncompatible", typeName: "Field", argumentName: info.argName } });
    } else {
      out.push({ message: msg, ...base, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Variable coercion (docs/decisions/016 §1): only `errors`, code INVALID_VARIABLE, with the
// provided `value` and `problems[{path, explanation}]`.

interface Problem {
  path: (string | number)[];
  explanation: string;
}

function explain(schema: GraphQLSchema, error: GraphQLError, path: readonly (string | number)[], type: GraphQLInputType): Problem {
  const msg = error.message;
  let m: RegExpExecArray | null;
  if ((m = /^Field "(.+?)" is not defined by type "(.+?)"/.exec(msg))) return { path: [...path, m[1]!], explanation: `Field is not defined on ${m[2]}` };
  if ((m = /^Field "(.+?)" of required type ".+?" was not provided\./.exec(msg))) return { path: [...path, m[1]!], explanation: "Expected value to not be null" };
  if (/^Expected non-nullable type ".+?" not to be null\./.test(msg)) return { path: [...path], explanation: "Expected value to not be null" };
  if ((m = /^Value "(.+?)" does not exist in "(.+?)" enum\./.exec(msg))) {
    const enumType = schema.getType(m[2]!);
    const values = enumType && "getValues" in enumType ? enumType.getValues().map((v) => v.name).join(", ") : "";
    return { path: [...path], explanation: `Expected "${m[1]}" to be one of: ${values}` };
  }
  if (/cannot represent|Expected type/.test(msg)) {
    const named = getNamedType(type);
    return { path: [...path], explanation: `Could not coerce value ${JSON.stringify(valueAt(error))} to ${named.name}` };
  }
  return { path: [...path], explanation: msg };
}

function valueAt(error: GraphQLError): unknown {
  const m = /: (.+)$/.exec(error.message);
  if (!m) return null;
  try {
    return JSON.parse(m[1]!.replace(/\.$/, ""));
  } catch {
    return m[1];
  }
}

/** Shopify validates every ID argument as a global id (docs/decisions/016 §10: `Invalid global id ''`). */
function checkIds(value: unknown, type: GraphQLInputType, path: (string | number)[], problems: Problem[]): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkIds(value, type.ofType, path, problems);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((v, i) => checkIds(v, type.ofType as GraphQLInputType, [...path, i], problems));
    else checkIds(value, type.ofType as GraphQLInputType, path, problems);
    return;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== "object") return;
    const fields = type.getFields();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const f = fields[k];
      if (f) checkIds(v, f.type, [...path, k], problems);
    }
    return;
  }
  if (type.name === "ID" && !isGid(value)) problems.push({ path, explanation: `Invalid global id '${String(value)}'` });
}

export function coerceVariables(
  schema: GraphQLSchema,
  op: OperationDefinitionNode,
  inputs: Record<string, unknown>,
): { errors: ShopifyError[] } {
  const errors: ShopifyError[] = [];
  for (const def of op.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type) as GraphQLInputType | undefined;
    if (!type) continue;
    const typeStr = print(def.type);
    const problems: Problem[] = [];
    const has = Object.prototype.hasOwnProperty.call(inputs, name) && inputs[name] !== undefined;
    const value = has ? inputs[name] : def.defaultValue ? valueFromAST(def.defaultValue, type) : undefined;
    if (value === undefined || value === null) {
      if (isNonNullType(type)) problems.push({ path: [], explanation: "Expected value to not be null" });
    } else {
      coerceInputValue(value, type, (path, _invalid, error) => problems.push(explain(schema, error, path, type)));
      if (problems.length === 0) checkIds(value, type, [], problems);
    }
    if (problems.length > 0) {
      const detail = problems.map((p) => (p.path.length ? `for ${p.path.join(".")} (${p.explanation})` : `(${p.explanation})`));
      const message = problems.every((p) => p.path.length === 0)
        ? `Variable $${name} of type ${typeStr} was provided invalid value`
        : `Variable $${name} of type ${typeStr} was provided invalid value ${detail.join(", ")}`;
      errors.push({
        message,
        locations: def.loc ? [{ line: def.loc.startToken.line, column: def.loc.startToken.column }] : undefined,
        extensions: { value: value ?? null, problems, code: "INVALID_VARIABLE" },
      });
    }
  }
  return { errors };
}

export function notEmulatedError(typeName: string, fieldName: string): GraphQLError {
  return new GraphQLError(`Field '${typeName}.${fieldName}' is not emulated by the Safestock sandbox`, {
    extensions: { code: "NOT_EMULATED", typeName, fieldName },
  });
}
