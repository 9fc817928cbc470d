/**
 * FLASH_DEBUG_OVERSOLD=1: for every item with an oversold order, its timeline over the seconds before
 * it: each order on the item (channel, units, the Warehouse level before it, the marketplace number
 * published at that moment), each marketplace buy (the connector's copy before it), each connector
 * read (what it read for the SKU, when the read started and ended) and each app write naming the item
 * (its moves and numbers, start and answer, error codes). To find the sequence that let the
 * marketplace sell a unit that was not there (issue 21, the fixed fence's 1-unit oversells).
 */
import type { ConnectorShop } from "../../sandbox/connector/index";
import type { ApiCall } from "../support/app";

type Gid = string;

interface Entry {
  atMs: number;
  text: string;
}

export interface OversoldTrace {
  readonly enabled: boolean;
  note(domain: string, itemId: Gid, text: string): void;
  /** Marks the item as having an oversold order at this moment. */
  oversold(domain: string, itemId: Gid, text: string): void;
  /** The connector's shop, logging every listing read per SKU. */
  connectorShop(domain: string, shop: ConnectorShop, itemOfSku: ReadonlyMap<string, Gid>): ConnectorShop;
  print(domain: string, label: string, appCalls: readonly ApiCall[], perfStart: number, idsOfItem: (itemId: Gid) => Gid[]): void;
}

const WINDOW_MS = 25_000;

export function createOversoldTrace(enabled: boolean, saleStartMs: () => number): OversoldTrace {
  const entries = new Map<string, Entry[]>();
  const marks = new Map<string, number[]>();
  const key = (domain: string, itemId: Gid) => `${domain}|${itemId}`;
  const at = () => Date.now() - saleStartMs();
  const note = (domain: string, itemId: Gid, text: string) => {
    if (!enabled) return;
    const list = entries.get(key(domain, itemId)) ?? [];
    list.push({ atMs: at(), text });
    entries.set(key(domain, itemId), list);
  };
  return {
    enabled,
    note,
    oversold(domain, itemId, text) {
      if (!enabled) return;
      note(domain, itemId, `OVERSOLD ${text}`);
      marks.set(key(domain, itemId), [...(marks.get(key(domain, itemId)) ?? []), at()]);
    },
    connectorShop(domain, shop, itemOfSku) {
      if (!enabled) return shop;
      return {
        registerApiClient: shop.registerApiClient?.bind(shop),
        async graphql(body, token) {
          const started = at();
          const result = await shop.graphql(body, token);
          if (!body.query.includes("ConnectorVariants")) return result;
          const nodes = (result.body as { data?: { productVariants?: { nodes: { sku: string; metafield?: { value: string } | null }[] } } }).data?.productVariants?.nodes ?? [];
          for (const node of nodes) {
            const itemId = itemOfSku.get(node.sku);
            if (!itemId) continue;
            const channels = node.metafield ? (JSON.parse(node.metafield.value) as { channels?: Record<string, { available: number; paused: boolean }> }).channels : undefined;
            note(domain, itemId, `connector read (started +${started} ms): marketplace ${JSON.stringify(channels?.marketplace ?? null)}`);
          }
          return result;
        },
      };
    },
    print(domain, label, appCalls, perfStart, idsOfItem) {
      if (!enabled) return;
      for (const [k, times] of marks) {
        if (!k.startsWith(`${domain}|`)) continue;
        const itemId = k.slice(domain.length + 1);
        const ids = idsOfItem(itemId);
        const from = Math.min(...times) - WINDOW_MS;
        const to = Math.max(...times) + 1_000;
        const writes: Entry[] = appCalls
          .filter((c) => c.mutation && ids.some((id) => c.variables.includes(`"${id}"`)))
          .map((c) => ({ atMs: Math.round(c.startedAt - perfStart), text: `app ${c.operation} answered +${Math.round(c.answeredAt - perfStart)} ms ${c.codes.join(",")}: ${describeWrite(c.variables, ids)}` }));
        const timeline = [...(entries.get(k) ?? []), ...writes].filter((e) => e.atMs >= from && e.atMs <= to).sort((a, b) => a.atMs - b.atMs);
        process.stdout.write(`${label}: oversold trace of ${itemId.split("/").pop()}\n${timeline.map((e) => `  +${e.atMs} ms ${e.text}`).join("\n")}\n`);
      }
    },
  };
}

function describeWrite(variables: string, ids: Gid[]): string {
  const parsed = JSON.parse(variables) as {
    input?: { changes?: { inventoryItemId: string; quantity: number; from: { name: string; changeFromQuantity: number }; to: { name: string; changeFromQuantity: number } }[] };
    metafields?: { ownerId: string; value: string }[];
  };
  const moves = (parsed.input?.changes ?? []).filter((c) => ids.includes(c.inventoryItemId)).map((c) => `${c.from.name}=${c.from.changeFromQuantity}→${c.to.name}=${c.to.changeFromQuantity} ${c.quantity}`);
  const numbers = (parsed.metafields ?? [])
    .filter((m) => ids.includes(m.ownerId))
    .map((m) => JSON.stringify((JSON.parse(m.value) as { channels?: Record<string, unknown> }).channels?.marketplace ?? null));
  return `moves [${moves.join("; ")}] marketplace ${numbers.join(" ")}`;
}
