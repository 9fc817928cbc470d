/**
 * Baseline (b) of the flash-sale bench (bench/README.md): the naive sync many apps do. On every inventory_levels/update webhook,
 * inside the request (no queue), it reads the item's levels, sets that level's sellable units to
 * `on_hand − committed − buffer` (moving the difference between `available` and `safety_stock`, the
 * only way to lower `available` without losing on_hand) and publishes one channel number, the sum of
 * that over every location, to a variant metafield the connector reads: merchant-owned, as a
 * connector (another app) cannot read an `$app:` namespace (docs/decisions/017), in Safestock's
 * format so the same connector reads either. No coalescing, no
 * compare-and-swap (changeFromQuantity null), no dedupe: a duplicate or an out-of-order webhook does the
 * whole round trip again, and two webhooks for one item race.
 */
import { randomUUID } from "node:crypto";

export const NAIVE_METAFIELD = { namespace: "naive", key: "channels" } as const;

const READ_ITEM = `query NaiveReadItem($id: ID!) {
  inventoryItem(id: $id) {
    variant { id }
    inventoryLevels(first: 10) { nodes { location { id } quantities(names: ["available", "committed", "on_hand", "safety_stock"]) { name quantity } } }
  }
}`;

const MOVE = `mutation NaiveMove($input: InventoryMoveQuantitiesInput!, $key: String!) {
  inventoryMoveQuantities(input: $input) @idempotent(key: $key) { userErrors { field message code } }
}`;

const SET_CHANNEL = `mutation NaiveSetChannel($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { userErrors { field message code } }
}`;

interface ItemRead {
  data?: {
    inventoryItem: {
      variant: { id: string };
      inventoryLevels: { nodes: { location: { id: string }; quantities: { name: string; quantity: number }[] }[] };
    } | null;
  };
}

export interface NaiveSyncOptions {
  shop: string;
  accessToken: string;
  /** Units kept out of sale at every level. */
  buffer: number;
  /** fetch as patched by msw (so the meter sees the naive app's calls like Safestock's). */
  fetch?: typeof fetch;
}

export function createNaiveSync(options: NaiveSyncOptions) {
  const endpoint = `https://${options.shop}/admin/api/2026-10/graphql.json`;
  const call = async (query: string, variables: Record<string, unknown>) => {
    const response = await (options.fetch ?? fetch)(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": options.accessToken },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as unknown;
  };

  return async function handleWebhook(request: Request): Promise<Response> {
    if (request.headers.get("X-Shopify-Topic") !== "inventory_levels/update") return new Response(null, { status: 200 });
    const payload = (await request.json()) as { inventory_item_id: number | string; location_id: number | string };
    const itemId = `gid://shopify/InventoryItem/${payload.inventory_item_id}`;
    const locationId = `gid://shopify/Location/${payload.location_id}`;
    const read = (await call(READ_ITEM, { id: itemId })) as ItemRead;
    const item = read.data?.inventoryItem;
    if (!item) return new Response(null, { status: 200 });
    let channelNumber = 0;
    for (const level of item.inventoryLevels.nodes) {
      const q = Object.fromEntries(level.quantities.map((entry) => [entry.name, entry.quantity])) as Record<string, number>;
      const target = Math.max(0, q.on_hand! - q.committed! - options.buffer);
      channelNumber += target;
      if (level.location.id !== locationId) continue;
      const excess = q.available! - target;
      const move = excess > 0 ? excess : -Math.min(-excess, q.safety_stock!);
      if (move === 0) continue;
      const available = { locationId, name: "available", changeFromQuantity: null };
      const reserve = { locationId, name: "safety_stock", changeFromQuantity: null, ledgerDocumentUri: "https://naive-sync.example/buffer" };
      await call(MOVE, {
        key: randomUUID(),
        input: {
          reason: "safety_stock",
          referenceDocumentUri: "https://naive-sync.example/sync",
          changes: [{ inventoryItemId: itemId, quantity: Math.abs(move), from: move > 0 ? available : reserve, to: move > 0 ? reserve : available }],
        },
      });
    }
    await call(SET_CHANNEL, {
      metafields: [{ ownerId: item.variant.id, ...NAIVE_METAFIELD, type: "json", value: JSON.stringify({ channels: { marketplace: { available: channelNumber, paused: false } } }) }],
    });
    return new Response(null, { status: 200 });
  };
}
