import type { RuleScope } from "./types";

/** Merchant-readable scope, e.g. "tag bestseller at Soho", "every item". */
export function describeScope(scope: RuleScope): string {
  let item: string;
  if (scope.sku !== undefined) item = `SKU ${scope.sku}`;
  else if (scope.product !== undefined) item = `product ${scope.product}`;
  else if (scope.tag !== undefined) item = `tag ${scope.tag}`;
  else item = "every item";
  return scope.location === undefined ? item : `${item} at ${scope.location}`;
}

/** Identity of a scope: two rules of one kind with the same key would contradict each other. */
export function scopeKey(scope: RuleScope): string {
  return JSON.stringify([scope.location ?? null, scope.sku ?? null, scope.product ?? null, scope.tag ?? null]);
}

interface Slot<R> {
  anyLocation: R | undefined;
  byLocation: Map<string, R> | undefined;
}

/** Rules of one kind indexed by scope, so resolving a level costs a few map lookups. */
export interface ScopeIndex<R> {
  readonly bySku: Map<string, Slot<R>>;
  readonly byProduct: Map<string, Slot<R>>;
  readonly byTag: Map<string, Slot<R>>;
  readonly everyItem: Slot<R>;
  size: number;
}

export function emptyScopeIndex<R>(): ScopeIndex<R> {
  return {
    bySku: new Map(),
    byProduct: new Map(),
    byTag: new Map(),
    everyItem: { anyLocation: undefined, byLocation: undefined },
    size: 0,
  };
}

function slotIn<R>(map: Map<string, Slot<R>>, key: string): Slot<R> {
  let slot = map.get(key);
  if (slot === undefined) {
    slot = { anyLocation: undefined, byLocation: undefined };
    map.set(key, slot);
  }
  return slot;
}

/** Validation refuses identical scopes of one kind, so each slot position holds at most one rule. */
export function addToScopeIndex<R>(index: ScopeIndex<R>, scope: RuleScope, rule: R): void {
  let slot: Slot<R>;
  if (scope.sku !== undefined) slot = slotIn(index.bySku, scope.sku);
  else if (scope.product !== undefined) slot = slotIn(index.byProduct, scope.product);
  else if (scope.tag !== undefined) slot = slotIn(index.byTag, scope.tag);
  else slot = index.everyItem;
  if (scope.location === undefined) slot.anyLocation = rule;
  else (slot.byLocation ??= new Map()).set(scope.location, rule);
  index.size++;
}

function inSlot<R>(slot: Slot<R> | undefined, location: string): R | undefined {
  if (slot === undefined) return undefined;
  if (slot.byLocation !== undefined) {
    const hit = slot.byLocation.get(location);
    if (hit !== undefined) return hit;
  }
  return slot.anyLocation;
}

/**
 * Resolves the winning rule of one kind for the levels of one item. `forItem` looks up the item's
 * SKU, product and tag slots once; `at(location)` then only consults location maps, so a SKU stocked
 * at many locations pays for its item lookups once. One resolver is reused across items (no allocation).
 *
 * Among several matching tags at the same specificity the rule with the larger `weight` wins
 * (protecting more is the safe choice and does not depend on rule order); equal weights fall back to
 * the tag name so neither rule order nor the item's tag order changes the explanation.
 */
export class ScopeResolver<R> {
  private skuSlot: Slot<R> | undefined;
  private productSlot: Slot<R> | undefined;
  private readonly tagSlots: Slot<R>[] = [];
  private readonly tagNames: string[] = [];
  private context = 0;

  constructor(
    private readonly index: ScopeIndex<R>,
    /** Weight given `context` (e.g. the item's expected sales during the sync lag). */
    private readonly weight: (rule: R, context: number) => number,
  ) {}

  forItem(sku: string, product: string | undefined, tags: readonly string[] | undefined, context: number): void {
    const index = this.index;
    this.context = context;
    this.tagSlots.length = 0;
    this.tagNames.length = 0;
    if (index.size === 0) {
      this.skuSlot = this.productSlot = undefined;
      return;
    }
    this.skuSlot = index.bySku.size > 0 ? index.bySku.get(sku) : undefined;
    this.productSlot = product !== undefined && index.byProduct.size > 0 ? index.byProduct.get(product) : undefined;
    if (tags !== undefined && index.byTag.size > 0) {
      for (const tag of tags) {
        const slot = index.byTag.get(tag);
        if (slot !== undefined) {
          this.tagSlots.push(slot);
          this.tagNames.push(tag);
        }
      }
    }
  }

  /** Precedence: SKU@location, SKU, product@location, product, tag@location, tag, location, every item. */
  at(location: string): R | undefined {
    if (this.index.size === 0) return undefined;
    let hit = inSlot(this.skuSlot, location);
    if (hit !== undefined) return hit;
    hit = inSlot(this.productSlot, location);
    if (hit !== undefined) return hit;
    if (this.tagSlots.length > 0) {
      hit = this.bestTag(location, true) ?? this.bestTag(location, false);
      if (hit !== undefined) return hit;
    }
    return inSlot(this.index.everyItem, location);
  }

  private bestTag(location: string, atLocation: boolean): R | undefined {
    let best: R | undefined;
    let bestWeight = 0;
    let bestTag = "";
    for (let i = 0; i < this.tagSlots.length; i++) {
      const slot = this.tagSlots[i]!;
      const candidate = atLocation ? slot.byLocation?.get(location) : slot.anyLocation;
      if (candidate === undefined) continue;
      const w = this.weight(candidate, this.context);
      const tag = this.tagNames[i]!;
      if (best === undefined || w > bestWeight || (w === bestWeight && tag < bestTag)) {
        best = candidate;
        bestWeight = w;
        bestTag = tag;
      }
    }
    return best;
  }
}
