/**
 * The flash sale's traffic, generated once from a fixed seed and replayed identically on every shop
 * of a run (Safestock, the naive sync, no app), so that differences come from the app only.
 */
import { createPrng } from "../../sandbox/prng";

export type BuyerChannel = "online_store" | "pos" | "marketplace" | "wholesale";

export interface OrderIntent {
  index: number;
  /** Offset from the start of the sale, ms. */
  atMs: number;
  channel: BuyerChannel;
  /** Index into the hot SKUs (0 = the hottest). */
  sku: number;
  quantity: number;
  /** POS only: which store (0 or 1) the buyer stands in. */
  store: number;
  /** When set, the buyer cancels this long after the order was placed (restocked). */
  cancelAfterMs: number | null;
}

export interface TrafficOptions {
  orders: number;
  durationMs: number;
  skus: number;
  seed: number;
}

/** Share of orders per channel: most through the web checkout, a marketplace, the stores' tills, a few B2B. */
export const CHANNEL_MIX: readonly [BuyerChannel, number][] = [
  ["online_store", 0.55],
  ["marketplace", 0.25],
  ["pos", 0.15],
  ["wholesale", 0.05],
];
export const CANCEL_SHARE = 0.03;

export function flashSaleTraffic(options: TrafficOptions): OrderIntent[] {
  const random = createPrng(options.seed);
  // Demand per SKU follows a Zipf-like curve: the first SKUs are the ones everybody wants.
  const weights = Array.from({ length: options.skus }, (_, i) => 1 / (i + 1) ** 0.7);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pick = <T>(table: readonly [T, number][]): T => {
    let u = random();
    for (const [value, share] of table) {
      if (u < share) return value;
      u -= share;
    }
    return table[table.length - 1]![0];
  };
  const skuTable = weights.map((w, i) => [i, w / totalWeight] as [number, number]);
  const intents: OrderIntent[] = [];
  for (let index = 0; index < options.orders; index++) {
    // A sale opens with a rush: arrivals are front-loaded (density falls off over the minute).
    const atMs = Math.floor(options.durationMs * random() ** 1.3);
    const channel = pick(CHANNEL_MIX);
    const quantity = channel === "wholesale" ? 3 + Math.floor(random() * 4) : pick<number>([[1, 0.8], [2, 0.15], [3, 0.05]]);
    intents.push({
      index,
      atMs,
      channel,
      sku: pick(skuTable),
      quantity,
      store: random() < 0.5 ? 0 : 1,
      cancelAfterMs: random() < CANCEL_SHARE ? 2_000 + Math.floor(random() * 8_000) : null,
    });
  }
  return intents.sort((a, b) => a.atMs - b.atMs || a.index - b.index);
}
