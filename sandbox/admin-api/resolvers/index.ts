/** Every emulated type's resolvers, merged. A field missing here is "not emulated". */
import type { ResolverMap } from "./common.js";
import { catalogResolvers } from "./catalog.js";
import { inventoryResolvers } from "./inventory.js";
import { metafieldResolvers } from "./metafields.js";
import { nodeResolvers } from "./node.js";
import { orderResolvers } from "./orders.js";
import { publicationResolvers } from "./publications.js";
import { shopResolvers } from "./shop.js";
import { bulkResolvers } from "./bulk.js";
import { inventoryMutations } from "../mutations/inventory.js";
import { metafieldMutations } from "../mutations/metafields.js";
import { orderMutations } from "../mutations/orders.js";
import { publicationMutations } from "../mutations/publications.js";
import { bulkMutations } from "../mutations/bulk.js";
import { fulfillmentResolvers } from "./fulfillments.js";
import { fulfillmentMutations } from "../mutations/fulfillments.js";
import { transferResolvers } from "./transfers.js";
import { transferMutations } from "../mutations/transfers.js";
import { locationMutations } from "../mutations/locations.js";
import { validationResolvers } from "../mutations/validations.js";
import { bundleResolvers } from "../mutations/bundles.js";
import { flowResolvers } from "../mutations/flow.js";

function merge(...maps: ResolverMap[]): ResolverMap {
  const out: ResolverMap = {};
  for (const m of maps) for (const [type, fields] of Object.entries(m)) out[type] = { ...out[type], ...fields };
  return out;
}

export const resolvers: ResolverMap = merge(
  nodeResolvers,
  shopResolvers,
  catalogResolvers,
  inventoryResolvers,
  publicationResolvers,
  metafieldResolvers,
  orderResolvers,
  inventoryMutations,
  publicationMutations,
  metafieldMutations,
  orderMutations,
  bulkResolvers(() => resolvers),
  bulkMutations,
  fulfillmentResolvers,
  fulfillmentMutations,
  transferResolvers,
  transferMutations,
  locationMutations,
  validationResolvers,
  flowResolvers,
  bundleResolvers,
);
