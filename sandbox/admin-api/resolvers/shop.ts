/** Shop and Location. */
import type { LocationRecord } from "../../contract.js";
import type { ShopInfo } from "../../shop/state.js";
import type { ApiContext } from "../context.js";
import { connection, count, defineType, plain, requireGid, timestamps, type ResolverMap } from "./common.js";
import { hasMetafields } from "./metafields.js";
import { catalogQueries } from "./catalog.js";
import { inventoryItemsConnection, levelsConnection } from "./inventory.js";
import { ordersConnection } from "./orders.js";

export function locationsConnection(locations: Iterable<LocationRecord>, args: Record<string, unknown>) {
  const list = [...locations].filter((l) => l.isActive || args.includeInactive === true);
  return connection(list, args, {
    search: {
      fields: { ...timestamps<LocationRecord>(), name: (l) => l.name, active: (l) => String(l.isActive) },
      text: (l) => [l.name],
    },
  });
}

const ADDRESSES: Record<string, { address1: string; city: string; province: string; provinceCode: string; zip: string }> = {
  Warehouse: { address1: "400 Industrial Way", city: "Secaucus", province: "New Jersey", provinceCode: "NJ", zip: "07094" },
  "Soho store": { address1: "120 Prince St", city: "New York", province: "New York", provinceCode: "NY", zip: "10012" },
  "Brooklyn store": { address1: "85 Bedford Ave", city: "Brooklyn", province: "New York", provinceCode: "NY", zip: "11211" },
};

/** A zone's short name and UTC offset at an instant: "EST", "-0500", -300 in New York in winter. */
function zoneAt(timeZone: string, at: Date): { abbreviation: string; offset: string; offsetMinutes: number } {
  const part = (timeZoneName: "short" | "longOffset") =>
    new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "";
  const match = /GMT([+-])(\d\d):(\d\d)/.exec(part("longOffset"));
  const offsetMinutes = match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  const offset = match ? `${match[1]}${match[2]}${match[3]}` : "+0000";
  return { abbreviation: part("short"), offset, offsetMinutes };
}

export const shopResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    shop: (_s, _a, ctx) => ctx.state.shop,
    locations: (_s, args, ctx) => locationsConnection(ctx.state.locations.values(), args),
    location: (_s, args, ctx) => {
      if (args.id === undefined || args.id === null) {
        // No id: the shop's primary location (the first one).
        return [...ctx.state.locations.values()][0] ?? null;
      }
      return ctx.state.locations.get(requireGid(args.id)) ?? null;
    },
    locationsCount: (_s, _a, ctx) => count([...ctx.state.locations.values()].filter((l) => l.isActive).length),
  }),
  Shop: defineType<ShopInfo>({
    ...plain<ShopInfo>("id", "name", "email", "currencyCode", "ianaTimezone", "createdAt", "updatedAt"),
    myshopifyDomain: (s) => s.domain,
    contactEmail: (s) => s.email,
    url: (s) => `https://${s.domain}`,
    enabledPresentmentCurrencies: (s) => [s.currencyCode],
    // Derived from `ianaTimezone` at the shop's clock, so a configured zone answers consistently
    // (https://shopify.dev/docs/api/admin-graphql/latest/objects/Shop#field-ianaTimezone).
    timezoneAbbreviation: (s, _a, ctx: ApiContext) => zoneAt(s.ianaTimezone, ctx.clock.now()).abbreviation,
    timezoneOffset: (s, _a, ctx: ApiContext) => zoneAt(s.ianaTimezone, ctx.clock.now()).offset,
    timezoneOffsetMinutes: (s, _a, ctx: ApiContext) => zoneAt(s.ianaTimezone, ctx.clock.now()).offsetMinutes,
    taxesIncluded: () => false,
    publicationCount: (_s, _a, ctx) => ctx.state.publications.size,
    locations: (_s, args, ctx) => locationsConnection(ctx.state.locations.values(), args),
    products: (_s, args, ctx) => catalogQueries.products(ctx, args),
    productVariants: (_s, args, ctx) => catalogQueries.productVariants(ctx, args),
    inventoryItems: (_s, args, ctx) => inventoryItemsConnection(ctx, args),
    orders: (_s, args, ctx) => ordersConnection(ctx, args),
    ...hasMetafields<ShopInfo>(),
  }),
  Location: defineType<LocationRecord>({
    ...plain<LocationRecord>("id", "name", "isActive", "fulfillsOnlineOrders", "createdAt", "updatedAt"),
    legacyResourceId: (l) => String(l.legacyId),
    isPrimary: (l, _a, ctx) => [...ctx.state.locations.keys()][0] === l.id,
    shipsInventory: (l) => l.fulfillsOnlineOrders,
    isFulfillmentService: () => false,
    fulfillmentService: () => null,
    activatable: (l) => !l.isActive,
    deactivatable: (l) => l.isActive,
    deletable: (l) => !l.isActive,
    deactivatedAt: (l) => (l.isActive ? null : l.updatedAt),
    addressVerified: () => true,
    hasActiveInventory: (l, _a, ctx) => [...ctx.state.levels.values()].some((lv) => lv.locationId === l.id && lv.isActive),
    hasUnfulfilledOrders: (l, _a, ctx) =>
      [...ctx.state.orders.values()].some((o) => !o.cancelledAt && o.lineItems.some((li) => li.locationId === l.id && li.fulfillableQuantity > 0)),
    address: (l) => {
      const a = ADDRESSES[l.name] ?? { address1: "1 Main St", city: "New York", province: "New York", provinceCode: "NY", zip: "10001" };
      return { ...a, address2: null, country: "United States", countryCode: "US", phone: null, latitude: null, longitude: null, formatted: [a.address1, `${a.city} ${a.provinceCode} ${a.zip}`, "United States"] };
    },
    inventoryLevel: (l, args, ctx) => {
      const level = ctx.state.levels.get(`${requireGid(args.inventoryItemId, "inventoryItemId")}|${l.id}`);
      if (!level || (!level.isActive && args.includeInactive !== true)) return null;
      return level;
    },
    inventoryLevels: (l, args, ctx) => levelsConnection([...ctx.state.levels.values()].filter((lv) => lv.locationId === l.id), args, ctx),
    ...hasMetafields<LocationRecord>(),
  }),
  LocationAddress: defineType<Record<string, unknown>>(
    Object.fromEntries(["address1", "address2", "city", "country", "countryCode", "formatted", "latitude", "longitude", "phone", "province", "provinceCode", "zip"].map((f) => [f, (a: Record<string, unknown>) => a[f]])),
  ),
};
