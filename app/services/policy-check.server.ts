/**
 * The shop's facts a policy is checked against, gathered in one place: every location with what it
 * can do (a channel may draw only from locations that can fill its orders, docs/decisions/007), the
 * catalog's SKUs and the sales channels' handles. The rules editor, the preview, Publish,
 * `policy:apply` and both imports check through here, so they can never disagree.
 */
import { checkPolicy, locationsOf, type Policy, type Result, type ShopFacts } from "~/domain";
import { knownSkus, listChannels, listLocations, locationInfo } from "~/models/catalog.server";

async function shopFacts(shop: string): Promise<ShopFacts> {
  const [locations, skus, channels] = await Promise.all([listLocations(shop), knownSkus(shop), listChannels(shop)]);
  return {
    locations: locationsOf({ levels: [], locations: locations.map(locationInfo) }),
    skus: new Set(skus),
    channels: new Set(channels.map((channel) => channel.handle)),
  };
}

/** The one policy check, against the shop as it is now. */
export async function checkPolicyForShop(shop: string, document: unknown): Promise<Result<Policy>> {
  return checkPolicy(document, await shopFacts(shop));
}
