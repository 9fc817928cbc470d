/** Shared resolver plumbing. */
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { ApiContext } from "../context.js";
import { paginate, type PageArgs } from "../connection.js";
import { searchFilter, type SearchFields } from "../search.js";
import { idKeyOf, isGid, legacyIdOf } from "../../shop/ids.js";

// Resolver args come from graphql-js already coerced against the official schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Args = Record<string, any>;
export type Resolver<S = unknown> = (source: S, args: Args, ctx: ApiContext, info: GraphQLResolveInfo) => unknown;
export type TypeResolvers<S = unknown> = Record<string, Resolver<S>>;
export type ResolverMap = Record<string, TypeResolvers<never>>;

/** Typed helper: declares the resolvers of one GraphQL type over one source shape. */
export function defineType<S>(resolvers: TypeResolvers<S>): TypeResolvers<never> {
  return resolvers as TypeResolvers<never>;
}

/** Fields read straight off the source record. */
export function plain<S>(...fields: (keyof S & string)[]): TypeResolvers<S> {
  const out: TypeResolvers<S> = {};
  for (const f of fields) out[f] = (src) => src[f];
  return out;
}

/** Checks an ID literal the way Shopify does (docs/decisions/016 §10 `Invalid global id`). */
export function requireGid(id: unknown, argName = "id"): string {
  if (!isGid(id)) {
    throw new GraphQLError(`Invalid global id '${String(id)}'`, { extensions: { code: "argumentLiteralsIncompatible", argumentName: argName } });
  }
  return id;
}

export interface ListOptions<T> {
  keyOf?: (item: T) => bigint;
  search?: { fields: SearchFields<T>; text: (item: T) => string[] };
}

/** A connection over `items` honouring first/last/after/before/reverse and `query:`. */
export function connection<T extends { id: string }>(items: Iterable<T>, args: Args, opts: ListOptions<T> = {}) {
  let list = [...items];
  if (opts.search && typeof args.query === "string") {
    const keep = searchFilter(args.query, opts.search.fields, opts.search.text);
    list = list.filter(keep);
  }
  return paginate(list, args as PageArgs, opts.keyOf ?? ((i) => idKeyOf(i.id)));
}

/** `…Count` fields: the same `query:` filter as the connection, without its 250-per-page cap. */
export function countMatching<T extends { id: string }>(items: Iterable<T>, args: Args, opts: ListOptions<T> = {}) {
  let list = [...items];
  if (opts.search && typeof args.query === "string") list = list.filter(searchFilter(args.query, opts.search.fields, opts.search.text));
  return count(list.length);
}

export function count(n: number) {
  return { count: n, precision: "EXACT" };
}

/** Common `query:` fields (shopify.dev/docs/api/usage/search-syntax). */
export function timestamps<T extends { createdAt: string; updatedAt: string; id: string }>(): SearchFields<T> {
  return {
    id: (i) => legacyIdOf(i.id),
    created_at: (i) => i.createdAt,
    updated_at: (i) => i.updatedAt,
  };
}
