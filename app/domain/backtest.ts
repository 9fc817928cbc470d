import { compilePolicy, type CompiledPolicy } from "./compile-policy";
import { planAvailability } from "./plan";
import type { ChannelRule, Item, Level, LocationInfo, Policy, SafetyStockRule, Snapshot } from "./types";

/**
 * Backtest: replays a shop's past orders against policies to show what each would have cost
 * (docs/decisions/033-backtest-before-publish.md). Pure: the caller reads the orders, the opening
 * stock and the measured sync lag; this module replays them.
 *
 * The model, in one paragraph (the decision record says why each choice):
 * - every inventory item starts the window with `levels` (sellable units per location); an accepted
 *   order takes its units from its location (else from the location with most stock), a cancelled
 *   order that was restocked gives them back, a receipt adds units;
 * - after each change of an item Safestock replans it with the policy (the real planner,
 *   `planAvailability`), and the channel numbers it publishes reach Shopify `syncLagSeconds` later;
 *   meanwhile Shopify's own count moves with every sale at once;
 * - a channel with a refresh window of R s reads that number at multiples of R and keeps selling
 *   against its copy, minus its own sales since the read (R = 0: it reads at every order);
 * - an order is refused when a line asks for more than its channel shows; the whole order is
 *   refused (no units move). Units of a refused order that the shop had are "withheld that would
 *   have sold". An accepted line that asks for more than the item's stock is oversold by the excess.
 * - net = filled units − oversold units: each oversold unit costs about what a sale earns (a
 *   refund, an apology, a marketplace's late-cancellation mark).
 */

export interface BacktestLine {
  /** Inventory item (identity, docs/decisions/020). */
  readonly item: string;
  readonly sku: string;
  readonly quantity: number;
  /** Where the order was filled from, when known. */
  readonly location?: string;
}

export interface BacktestOrder {
  readonly id: string;
  readonly channel: string;
  /** Epoch ms. */
  readonly at: number;
  readonly lines: readonly BacktestLine[];
  /** Epoch ms of the cancellation, if cancelled within the window. */
  readonly cancelledAt?: number;
  /** Whether the cancellation put the units back into stock. */
  readonly restocked?: boolean;
}

/** Units that came into stock at one location (a transfer, a purchase order). */
export interface BacktestReceipt {
  readonly item: string;
  readonly sku: string;
  readonly location: string;
  readonly at: number;
  readonly units: number;
}

export interface BacktestItem {
  readonly item: string;
  readonly sku: string;
  readonly product?: string;
  readonly tags?: readonly string[];
  /** The SKU group the report sums under (default: the SKU). */
  readonly group?: string;
  /** Fenced channels the product is known not to be published on: their fences skip it (`Item.unpublishedChannels`, docs/decisions/045). */
  readonly unpublishedChannels?: readonly string[];
}

export interface BacktestInput {
  /** Sellable units per item × location when the window opens. */
  readonly levels: readonly { readonly item: string; readonly sku: string; readonly location: string; readonly units: number }[];
  readonly items?: readonly BacktestItem[];
  readonly orders: readonly BacktestOrder[];
  readonly receipts?: readonly BacktestReceipt[];
  /** Each channel's refresh window in seconds (0 = reads at every order). Channels seen only in orders read at every order. */
  readonly refreshSeconds?: Readonly<Record<string, number>>;
  /** Measured delay before a published number reaches Shopify (Safestock's own records). */
  readonly syncLagSeconds: number;
  /** Trailing window over which sales rates (velocity buffers, refresh-window cover) are measured. */
  readonly velocityWindowMinutes: number;
  readonly locations?: readonly (string | LocationInfo)[];
  /** Points on the chart over time (default 48). */
  readonly buckets?: number;
  /** The window the chart spans (epoch ms); default from the first order to the last. */
  readonly window?: { readonly from: number; readonly to: number };
}

export interface BacktestPolicy {
  readonly label: string;
  /** undefined = no protection at all (Shopify's own numbers). */
  readonly policy: Policy | undefined;
}

export interface BacktestFigures {
  orders: number;
  soldUnits: number;
  /** Units sold and filled. */
  filledUnits: number;
  oversoldOrders: number;
  oversoldUnits: number;
  refusedOrders: number;
  /** Units of refused orders the shop had in stock. */
  withheldUnits: number;
  /** filledUnits − oversoldUnits. */
  net: number;
}

export interface BacktestRun {
  readonly label: string;
  readonly total: BacktestFigures;
  readonly byChannel: Record<string, BacktestFigures>;
  readonly byGroup: Record<string, BacktestFigures>;
  /** Per item (identity): used for suggestions and drill-downs. */
  readonly byItem: Record<string, BacktestFigures>;
  /** One point per bucket: oversold and withheld units in that stretch of time. */
  readonly series: { oversoldUnits: number[]; withheldUnits: number[] };
}

export interface BacktestReport {
  readonly from: number;
  readonly to: number;
  /** Start of each chart bucket (epoch ms). */
  readonly bucketStarts: number[];
  readonly runs: BacktestRun[];
}

export function emptyFigures(): BacktestFigures {
  return { orders: 0, soldUnits: 0, filledUnits: 0, oversoldOrders: 0, oversoldUnits: 0, refusedOrders: 0, withheldUnits: 0, net: 0 };
}

const NO_PROTECTION: Policy = { version: 1, protection: [], channels: [] };

type Event =
  | { readonly at: number; readonly rank: 0; readonly receipt: BacktestReceipt }
  | { readonly at: number; readonly rank: 1; readonly cancel: number }
  | { readonly at: number; readonly rank: 2; readonly order: number };

/** Receipts first, then cancellations, then orders at one instant; input order breaks ties. */
function eventsOf(input: BacktestInput): Event[] {
  const events: Event[] = [];
  for (const receipt of input.receipts ?? []) events.push({ at: receipt.at, rank: 0, receipt });
  input.orders.forEach((order, index) => {
    events.push({ at: order.at, rank: 2, order: index });
    if (order.cancelledAt !== undefined) events.push({ at: Math.max(order.cancelledAt, order.at), rank: 1, cancel: index });
  });
  // Stable sort keeps input order within (at, rank).
  return events.sort((a, b) => a.at - b.at || a.rank - b.rank);
}

/** One item's stock and what was published for it over time, in one replayed world. */
interface ItemState {
  readonly id: string;
  readonly sku: string;
  readonly info: BacktestItem;
  readonly locations: string[];
  readonly stock: number[];
  /** History: times[k] is when entry k began; totals[k] the item's stock then; published[k][c] channel c's number. */
  readonly times: number[];
  readonly totals: number[];
  readonly published: number[][];
  /** Accepted sales for rates: [at, channel index, units] triples, oldest first from `salesFrom`. */
  readonly sales: number[];
  salesFrom: number;
  /** Per channel: when it last read, and what it sold since. */
  readonly readAt: number[];
  readonly soldSinceRead: number[];
}

/** Everything fixed for one replay: channels, locations, groups. */
interface Setting {
  readonly channels: string[];
  readonly channelIndex: Map<string, number>;
  readonly refreshMs: number[];
  readonly lagMs: number;
  readonly windowMs: number;
  readonly syncLagMinutes: number;
  readonly locations: readonly (string | LocationInfo)[] | undefined;
  readonly from: number;
  readonly bucketMs: number;
  readonly buckets: number;
}

function settingOf(input: BacktestInput): Setting {
  const names = new Set<string>(Object.keys(input.refreshSeconds ?? {}));
  for (const order of input.orders) names.add(order.channel);
  const channels = [...names].sort();
  const [from, to] = input.window ? [input.window.from, input.window.to] : input.orders.length > 0 ? minMax(input.orders.map((order) => order.at)) : [0, 0];
  const buckets = Math.max(1, input.buckets ?? 48);
  return {
    channels,
    channelIndex: new Map(channels.map((name, index) => [name, index])),
    refreshMs: channels.map((name) => Math.max(0, (input.refreshSeconds?.[name] ?? 0) * 1000)),
    lagMs: Math.max(0, input.syncLagSeconds * 1000),
    windowMs: Math.max(1, input.velocityWindowMinutes) * 60_000,
    syncLagMinutes: Math.max(0, input.syncLagSeconds) / 60,
    locations: input.locations,
    from,
    // Whole seconds, so the chart's points fall on readable times; the last order's second is inside.
    bucketMs: Math.max(1000, Math.ceil((to - from + 1000) / buckets / 1000) * 1000),
    buckets,
  };
}

function minMax(values: readonly number[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return [min, max];
}

/**
 * Replays the orders under each policy. Every policy sees the same orders; each replay keeps its
 * own stock (an order one policy refuses leaves its units for later orders there).
 */
export function runBacktest(input: BacktestInput, policies: readonly BacktestPolicy[]): BacktestReport {
  const setting = settingOf(input);
  const events = eventsOf(input);
  const runs = policies.map((entry) => replay(input, setting, events, entry.label, compilePolicy(entry.policy ?? NO_PROTECTION)));
  const bucketStarts = Array.from({ length: setting.buckets }, (_, index) => setting.from + index * setting.bucketMs);
  return { from: setting.from, to: setting.from + setting.buckets * setting.bucketMs - 1, bucketStarts, runs };
}

/** Mutable counters of one replay. */
class Tally {
  readonly total = emptyFigures();
  readonly byChannel: Record<string, BacktestFigures> = {};
  readonly byGroup: Record<string, BacktestFigures> = {};
  readonly byItem: Record<string, BacktestFigures> = {};
  readonly oversoldSeries: number[];
  readonly withheldSeries: number[];

  constructor(buckets: number) {
    this.oversoldSeries = new Array<number>(buckets).fill(0);
    this.withheldSeries = new Array<number>(buckets).fill(0);
  }

  /** The figure sets one order line counts in. */
  sets(channel: string, group: string, item: string): BacktestFigures[] {
    return [this.total, (this.byChannel[channel] ??= emptyFigures()), (this.byGroup[group] ??= emptyFigures()), (this.byItem[item] ??= emptyFigures())];
  }
}

function newItemState(id: string, sku: string, info: BacktestItem, channels: number): ItemState {
  return {
    id,
    sku,
    info,
    locations: [],
    stock: [],
    times: [],
    totals: [],
    published: [],
    sales: [],
    salesFrom: 0,
    readAt: new Array<number>(channels).fill(Number.NEGATIVE_INFINITY),
    soldSinceRead: new Array<number>(channels).fill(0),
  };
}

function statesOf(input: BacktestInput, setting: Setting): Map<string, ItemState> {
  const infos = new Map((input.items ?? []).map((info) => [info.item, info]));
  const states = new Map<string, ItemState>();
  const stateOf = (item: string, sku: string) => {
    let state = states.get(item);
    if (state === undefined) states.set(item, (state = newItemState(item, sku, infos.get(item) ?? { item, sku }, setting.channels.length)));
    return state;
  };
  for (const level of input.levels) {
    const state = stateOf(level.item, level.sku);
    const at = state.locations.indexOf(level.location);
    if (at >= 0) state.stock[at]! += level.units;
    else {
      state.locations.push(level.location);
      state.stock.push(level.units);
    }
  }
  for (const order of input.orders) for (const line of order.lines) stateOf(line.item, line.sku);
  for (const receipt of input.receipts ?? []) {
    const state = stateOf(receipt.item, receipt.sku);
    if (!state.locations.includes(receipt.location)) {
      state.locations.push(receipt.location);
      state.stock.push(0);
    }
  }
  return states;
}

function replay(input: BacktestInput, setting: Setting, events: readonly Event[], label: string, compiled: CompiledPolicy): BacktestRun {
  const states = statesOf(input, setting);
  for (const state of states.values()) publish(state, compiled, setting, Number.NEGATIVE_INFINITY);
  const tally = new Tally(setting.buckets);
  const accepted = new Uint8Array(input.orders.length);
  const takenFrom: (number[] | undefined)[] = new Array(input.orders.length);
  for (const event of events) {
    if (event.rank === 0) {
      const state = states.get(event.receipt.item)!;
      state.stock[state.locations.indexOf(event.receipt.location)]! += event.receipt.units;
      publish(state, compiled, setting, event.at);
    } else if (event.rank === 1) {
      const order = input.orders[event.cancel]!;
      if (accepted[event.cancel] !== 1 || order.restocked !== true) continue;
      // Restocked units go back where they were taken from.
      const taken = takenFrom[event.cancel]!;
      order.lines.forEach((line, index) => {
        const state = states.get(line.item)!;
        state.stock[taken[index]!]! += line.quantity;
        publish(state, compiled, setting, event.at);
      });
    } else {
      const order = input.orders[event.order]!;
      const taken = placeOrder(order, states, setting, tally, compiled);
      if (taken !== undefined) {
        accepted[event.order] = 1;
        takenFrom[event.order] = taken;
      }
    }
  }
  for (const figures of [tally.total, ...Object.values(tally.byChannel), ...Object.values(tally.byGroup), ...Object.values(tally.byItem)]) {
    figures.net = figures.filledUnits - figures.oversoldUnits;
  }
  return {
    label,
    total: tally.total,
    byChannel: tally.byChannel,
    byGroup: tally.byGroup,
    byItem: tally.byItem,
    series: { oversoldUnits: tally.oversoldSeries, withheldUnits: tally.withheldSeries },
  };
}

/** Index of the history entry in force at `at` (the last one that began at or before it). */
function entryAt(state: ItemState, at: number): number {
  const times = state.times;
  let low = 0;
  let high = times.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (times[middle]! <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * What channel c shows for the item at `at`: the number Safestock published from the stock of
 * (read − lag), moved by Shopify's own count since (sales and restocks it applies at once), less
 * what the channel itself sold since its read.
 */
function shownTo(state: ItemState, channel: number, at: number, setting: Setting): number {
  const refresh = setting.refreshMs[channel]!;
  const readAt = refresh > 0 ? Math.floor(at / refresh) * refresh : at;
  if (state.readAt[channel] !== readAt) {
    state.readAt[channel] = readAt;
    state.soldSinceRead[channel] = 0;
  }
  const published = entryAt(state, readAt - setting.lagMs);
  const read = entryAt(state, readAt);
  const moved = state.totals[read]! - state.totals[published]!;
  return Math.max(0, state.published[published]![channel]! + moved) - state.soldSinceRead[channel]!;
}

/** Accepts or refuses one order; returns the location index each line took its units from when accepted. */
function placeOrder(order: BacktestOrder, states: Map<string, ItemState>, setting: Setting, tally: Tally, compiled: CompiledPolicy): number[] | undefined {
  const channel = setting.channelIndex.get(order.channel)!;
  const lines = order.lines.map((line) => states.get(line.item)!);
  let refused = false;
  order.lines.forEach((line, index) => {
    if (line.quantity > shownTo(lines[index]!, channel, order.at, setting)) refused = true;
  });
  const bucket = Math.min(setting.buckets - 1, Math.max(0, Math.floor((order.at - setting.from) / setting.bucketMs)));
  const counted = new Set<BacktestFigures>();
  const oversoldIn = new Set<BacktestFigures>();
  const taken: number[] = [];
  order.lines.forEach((line, index) => {
    const state = lines[index]!;
    const sets = tally.sets(order.channel, state.info.group ?? state.sku, state.id);
    for (const figures of sets) {
      if (counted.has(figures)) continue;
      counted.add(figures);
      figures.orders++;
    }
    const total = totalOf(state);
    if (refused) {
      const withheld = Math.min(line.quantity, Math.max(0, total));
      for (const figures of sets) figures.withheldUnits += withheld;
      tally.withheldSeries[bucket]! += withheld;
      return;
    }
    const oversold = Math.max(0, line.quantity - Math.max(0, total));
    for (const figures of sets) {
      figures.soldUnits += line.quantity;
      figures.filledUnits += line.quantity - oversold;
      figures.oversoldUnits += oversold;
      if (oversold > 0 && !oversoldIn.has(figures)) {
        oversoldIn.add(figures);
        figures.oversoldOrders++;
      }
    }
    tally.oversoldSeries[bucket]! += oversold;
    const from = sourceLocation(state, line.location);
    taken.push(from);
    state.stock[from]! -= line.quantity;
    state.soldSinceRead[channel]! += line.quantity;
    state.sales.push(order.at, channel, line.quantity);
    publish(state, compiled, setting, order.at);
  });
  if (refused) {
    for (const figures of counted) figures.refusedOrders++;
    return undefined;
  }
  return taken;
}

function totalOf(state: ItemState): number {
  let total = 0;
  for (const units of state.stock) total += units;
  return total;
}

/** The order's own location when the item is stocked there; else the location with most units (Shopify's routing fills from stock). */
function sourceLocation(state: ItemState, location: string | undefined): number {
  const named = location === undefined ? -1 : state.locations.indexOf(location);
  if (named >= 0) return named;
  if (state.locations.length === 0) {
    state.locations.push(location ?? "");
    state.stock.push(0);
    return 0;
  }
  let best = 0;
  state.stock.forEach((units, index) => {
    if (units > state.stock[best]!) best = index;
  });
  return best;
}

/** Replans the item with its current stock and sales rates, and records the numbers from `at` on. */
function publish(state: ItemState, compiled: CompiledPolicy, setting: Setting, at: number): void {
  const channels = setting.channels;
  const levels: Level[] = state.locations.map((location, index) => ({
    item: state.id,
    sku: state.sku,
    location,
    onHand: state.stock[index]!,
    committed: 0,
    reserved: 0,
    damaged: 0,
    qualityControl: 0,
    incoming: 0,
  }));
  const snapshot: Snapshot = {
    syncLagMinutes: setting.syncLagMinutes,
    levels,
    items: [itemWithRates(state, setting, at)],
    channels,
    ...(setting.locations ? { locations: setting.locations } : {}),
  };
  const numbers = new Array<number>(channels.length).fill(0);
  if (levels.length > 0) {
    const plan = planAvailability(compiled, snapshot, { now: Number.isFinite(at) ? at : 0 });
    for (const channel of plan.channels) {
      const index = setting.channelIndex.get(channel.channel);
      if (index !== undefined) numbers[index] = channel.paused ? 0 : channel.available;
    }
  }
  const total = totalOf(state);
  const last = state.times.length - 1;
  if (last >= 0 && state.times[last] === at) {
    state.totals[last] = total;
    state.published[last] = numbers;
  } else {
    state.times.push(at);
    state.totals.push(total);
    state.published.push(numbers);
  }
}

/** The item's sales over the trailing velocity window, as the app measures them (units a minute). */
function itemWithRates(state: ItemState, setting: Setting, at: number): Item {
  const sales = state.sales;
  while (state.salesFrom < sales.length && sales[state.salesFrom]! <= at - setting.windowMs) state.salesFrom += 3;
  if (state.salesFrom >= sales.length) return itemOf(state.info);
  let units = 0;
  const byChannel: Record<string, number> = {};
  const minutes = setting.windowMs / 60_000;
  for (let index = state.salesFrom; index < sales.length; index += 3) {
    const channel = setting.channels[sales[index + 1]!]!;
    units += sales[index + 2]!;
    byChannel[channel] = (byChannel[channel] ?? 0) + sales[index + 2]! / minutes;
  }
  return { ...itemOf(state.info), unitsPerMinute: units / minutes, unitsPerMinuteByChannel: byChannel };
}

function itemOf(info: BacktestItem): Item {
  return {
    item: info.item,
    sku: info.sku,
    ...(info.product !== undefined ? { product: info.product } : {}),
    ...(info.tags !== undefined ? { tags: info.tags } : {}),
    ...(info.unpublishedChannels !== undefined ? { unpublishedChannels: info.unpublishedChannels } : {}),
  };
}

export interface BufferSuggestion {
  readonly sku: string;
  /** Units to keep back at each location of the SKU (a safety_stock rule scoped to it). */
  readonly units: number;
  /** Units the candidate policy oversold on this SKU in the window. */
  readonly oversoldUnits: number;
  /** Units of orders the buffer would have refused although the shop had them. */
  readonly withheldUnits: number;
  /** Units the candidate itself withheld on this SKU (so the buffer's own cost is the difference). */
  readonly withheldWithoutUnits: number;
}

/** The candidate with a buffer of `units` for one SKU: an exact-SKU safety stock rule replaced, else added. */
export function withSkuBuffer(policy: Policy | undefined, sku: string, units: number): Policy {
  const base = policy ?? NO_PROTECTION;
  const isExact = (rule: Policy["protection"][number]) =>
    rule.kind === "safety_stock" && rule.sku === sku && rule.location === undefined && rule.product === undefined && rule.tag === undefined;
  const existing = base.protection.find(isExact) as SafetyStockRule | undefined;
  const rule: SafetyStockRule = { kind: "safety_stock", sku, units: Math.max(units, existing?.units ?? 0) };
  return { ...base, protection: [...base.protection.filter((entry) => !isExact(entry)), rule] };
}

/**
 * Per SKU the candidate oversold, the smallest per-location buffer that would have prevented every
 * oversell of that SKU in the window, found by bisection on a replay of that SKU's orders alone
 * (other lines of its orders left out: they do not change this SKU's stock). Bisection assumes
 * more buffer never oversells more; the answer is replayed once more to check it, and a SKU whose
 * oversells no buffer up to its peak stock prevents is left out. Blank SKUs cannot carry a rule.
 */
export function suggestBuffers(input: BacktestInput, candidate: Policy | undefined, report: BacktestRun): BufferSuggestion[] {
  const suggestions: BufferSuggestion[] = [];
  for (const sku of oversoldSkus(input, report)) {
    const slice = sliceOfSku(input, sku);
    const replayWith = (units: number) =>
      runBacktest(slice, [{ label: "buffer", policy: units === 0 ? candidate : withSkuBuffer(candidate, sku, units) }]).runs[0]!.total;
    const without = replayWith(0);
    if (without.oversoldUnits === 0) continue;
    const units = smallestPreventing(slice, (n) => withSkuBuffer(candidate, sku, n));
    if (units === undefined) continue;
    const chosen = replayWith(units);
    suggestions.push({ sku, units, oversoldUnits: without.oversoldUnits, withheldUnits: chosen.withheldUnits, withheldWithoutUnits: without.withheldUnits });
  }
  return suggestions;
}

export interface ReserveSuggestion {
  readonly sku: string;
  /** The channel with a refresh window (a marketplace) whose stale copy oversold the SKU. */
  readonly channel: string;
  /** A fixed ring fence of this many units for the channel (the policy's fence applies to every SKU the channel sells). */
  readonly units: number;
  /** Units the candidate oversold on this SKU in the window (every channel). */
  readonly oversoldUnits: number;
  /** Units of this SKU's orders the reserve would have refused although the shop had them. */
  readonly withheldUnits: number;
  /** Units the candidate itself withheld on this SKU. */
  readonly withheldWithoutUnits: number;
}

/** What the Preview page shows: three policies side by side, per channel and per SKU group, a chart and suggestions. */
export interface StoredBacktest {
  windowDays: number;
  orders: number;
  syncLagSeconds: number;
  refreshSeconds: Record<string, number>;
  runs: { label: string; total: BacktestFigures; byChannel: Record<string, BacktestFigures> }[];
  /** The groups (products) with the most oversold or withheld units under any policy, per policy. */
  groups: { group: string; figures: BacktestFigures[] }[];
  chart: { label: string; oversold: number[]; withheld: number[] }[];
  /** Start of each chart point in UTC: "12-01" over days, "10:30" within a day or two. */
  chartLabels: string[];
  suggestions: BufferSuggestion[];
  /** Marketplace reserves (fixed ring fences) that would have prevented oversells from a channel's stale copy; absent in results stored before them. */
  reserveSuggestions?: ReserveSuggestion[];
  /** What Safestock recorded as oversold when these orders arrived (its order exposure records), beside the replay. */
  recorded: { oversoldUnits: number; oversoldOrders: number };
}

/**
 * The candidate with a fixed ring fence of `units` for `channel` (docs/policy.md § 4): its rule
 * keeps everything else, a larger fixed fence it already has stays, a self-sizing reserve becomes
 * fixed at this size; without a rule, one is added. The policy format has no per-SKU fence.
 */
export function withChannelReserve(policy: Policy | undefined, channel: string, units: number): Policy {
  const base = policy ?? NO_PROTECTION;
  const existing = base.channels.find((rule) => rule.channel === channel);
  if (existing === undefined) return { ...base, channels: [...base.channels, { channel, ringFenceUnits: units }] };
  const { ringFenceSizing, ringFenceMinUnits: _minimum, ...rest } = existing;
  const kept = ringFenceSizing === "measured" ? 0 : (existing.ringFenceUnits ?? 0);
  const rule: ChannelRule = { ...rest, ringFenceUnits: Math.max(units, kept) };
  return { ...base, channels: base.channels.map((entry) => (entry === existing ? rule : entry)) };
}

/**
 * Per SKU the candidate oversold where a channel with a refresh window (a marketplace selling from
 * its copy) took part, the smallest fixed ring fence for that channel that would have prevented
 * every oversell of the SKU in the window (issue 21 § 2): the same bisection on a replay of the
 * SKU's orders alone, and the same check of the answer, as `suggestBuffers`. The fence keeps units
 * the other channels cannot sell, so the marketplace's copy still finds them. The channel is the
 * one whose orders oversold most units of the SKU.
 */
export function suggestReserves(input: BacktestInput, candidate: Policy | undefined, report: BacktestRun): ReserveSuggestion[] {
  const refreshing = Object.entries(input.refreshSeconds ?? {}).filter(([, seconds]) => seconds > 0).map(([channel]) => channel).sort();
  if (refreshing.length === 0) return [];
  const suggestions: ReserveSuggestion[] = [];
  for (const sku of oversoldSkus(input, report)) {
    const slice = sliceOfSku(input, sku);
    const without = runBacktest(slice, [{ label: "reserve", policy: candidate }]).runs[0]!;
    let channel: string | undefined;
    for (const name of refreshing) if ((without.byChannel[name]?.oversoldUnits ?? 0) > (channel === undefined ? 0 : without.byChannel[channel]!.oversoldUnits)) channel = name;
    if (channel === undefined) continue;
    const units = smallestPreventing(slice, (n) => withChannelReserve(candidate, channel, n));
    if (units === undefined) continue;
    const chosen = runBacktest(slice, [{ label: "reserve", policy: withChannelReserve(candidate, channel, units) }]).runs[0]!.total;
    suggestions.push({ sku, channel, units, oversoldUnits: without.total.oversoldUnits, withheldUnits: chosen.withheldUnits, withheldWithoutUnits: without.total.withheldUnits });
  }
  return suggestions;
}

/** SKUs (not blank: a rule names them) of items the run oversold, sorted. */
function oversoldSkus(input: BacktestInput, report: BacktestRun): string[] {
  const skuOf = new Map<string, string>();
  for (const level of input.levels) skuOf.set(level.item, level.sku);
  for (const order of input.orders) for (const line of order.lines) skuOf.set(line.item, line.sku);
  const skus = new Set<string>();
  for (const [item, figures] of Object.entries(report.byItem)) {
    const sku = skuOf.get(item);
    if (figures.oversoldUnits > 0 && sku) skus.add(sku);
  }
  return [...skus].sort();
}

/**
 * The smallest n ≥ 1 (up to the SKU's peak stock) for which `policyWith(n)` replays the slice with
 * no oversell, by bisection (which assumes more never oversells more), checked once more; undefined
 * when none does.
 */
function smallestPreventing(slice: BacktestInput, policyWith: (units: number) => Policy): number | undefined {
  const oversold = (units: number) => runBacktest(slice, [{ label: "fix", policy: policyWith(units) }]).runs[0]!.total.oversoldUnits;
  let low = 1;
  let high = Math.max(1, peakStock(slice));
  if (oversold(high) > 0) return undefined;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (oversold(middle) === 0) high = middle;
    else low = middle + 1;
  }
  return oversold(low) === 0 ? low : undefined;
}

function sliceOfSku(input: BacktestInput, sku: string): BacktestInput {
  const orders: BacktestOrder[] = [];
  for (const order of input.orders) {
    const lines = order.lines.filter((line) => line.sku === sku);
    if (lines.length > 0) orders.push({ ...order, lines });
  }
  return {
    ...input,
    levels: input.levels.filter((level) => level.sku === sku),
    items: (input.items ?? []).filter((item) => item.sku === sku),
    orders,
    receipts: (input.receipts ?? []).filter((receipt) => receipt.sku === sku),
    buckets: 1,
  };
}

/** The most units the SKU held at any point: opening stock plus every receipt and restock (an upper bound). */
function peakStock(slice: BacktestInput): number {
  let units = 0;
  for (const level of slice.levels) units += Math.max(0, level.units);
  for (const receipt of slice.receipts ?? []) units += Math.max(0, receipt.units);
  for (const order of slice.orders) if (order.restocked) for (const line of order.lines) units += line.quantity;
  return units;
}
