/** Bundle lines held as their components (docs/decisions/034 "Holds"): hand-computed carts. */
import { describe, expect, it } from "vitest";
import { cartDemand, cartLineOutcomes, componentsRefusedToHolder, sharedExpiries, variantsToPlace, type ComponentOutcome } from "./bundle-holds";

/** The Summer Set: 1 shirt and 2 totes. */
const recipes = new Map([["set", [{ variantId: "shirt", quantity: 1 }, { variantId: "tote", quantity: 2 }]]]);
const INVALID = "The quantity must be a whole number above zero.";
const REASONS = { invalidQuantity: INVALID, notHeld: "Could not hold this item right now." };
const held = (units: number, expiresAt = "2026-12-06T09:15:00.000Z"): ComponentOutcome => ({ ok: true, held: true, units, expiresAt });

describe("bundle lines in a cart hold", () => {
  it("add a bundle's components to the cart's own lines of them", () => {
    // 3 sets and 5 loose totes: shirts 3, totes 3 × 2 + 5 = 11; a 0-quantity line takes nothing.
    expect(cartDemand([{ variantId: "set", quantity: 3 }, { variantId: "tote", quantity: 5 }, { variantId: "scarf", quantity: 0 }], recipes)).toEqual([
      { variantId: "shirt", quantity: 3 },
      { variantId: "tote", quantity: 11 },
    ]);
  });

  it("hold the bundle line when its components are held, and tell each line what the others leave it when a component is short", () => {
    const lines = [{ variantId: "set", quantity: 3 }, { variantId: "tote", quantity: 5 }];
    const demand = new Map([["shirt", 3], ["tote", 11]]);
    const allHeld = new Map([["shirt", held(3, "2026-12-06T09:20:00.000Z")], ["tote", held(11)]]);
    expect(cartLineOutcomes(lines, recipes, demand, allHeld, REASONS)).toEqual([
      { variantId: "set", ok: true, held: true, units: 3, expiresAt: "2026-12-06T09:15:00.000Z" },
      { variantId: "tote", ok: true, held: true, units: 5, expiresAt: "2026-12-06T09:15:00.000Z" },
    ]);
    // 9 totes left for the cart's 11: the sets get ⌊(9 − 5) / 2⌋ = 2, the loose totes 9 − 6 = 3.
    const short = new Map<string, ComponentOutcome>([["shirt", held(3)], ["tote", { ok: false, available: 9, reason: "Only 9 left." }]]);
    expect(cartLineOutcomes(lines, recipes, demand, short, REASONS)).toEqual([
      { variantId: "set", ok: false, available: 2, reason: "Only 2 left." },
      { variantId: "tote", ok: false, available: 3, reason: "Only 3 left." },
    ]);
  });

  it("leave a bundle unheld when a component could not be held, but not for a component Safestock does not manage", () => {
    const lines = [{ variantId: "set", quantity: 1 }];
    const demand = new Map([["shirt", 1], ["tote", 2]]);
    const unmanagedTote = new Map<string, ComponentOutcome>([["shirt", held(1)], ["tote", { ok: true, held: false, reason: "Safestock does not manage this item.", ownReason: true }]]);
    expect(cartLineOutcomes(lines, recipes, demand, unmanagedTote, REASONS)[0]).toMatchObject({ ok: true, held: true, units: 1 });
    const unconfirmedTote = new Map<string, ComponentOutcome>([["shirt", held(1)], ["tote", { ok: true, held: false, reason: "Could not hold this item right now.", ownReason: false }]]);
    expect(cartLineOutcomes(lines, recipes, demand, unconfirmedTote, REASONS)[0]).toEqual({ variantId: "set", ok: true, held: false, units: 0, reason: "Could not hold this item right now." });
    // Shirts were not placed (only the refused set needed them): nothing is promised.
    expect(cartLineOutcomes(lines, recipes, demand, new Map([["tote", held(2)]]), REASONS)[0]).toMatchObject({ ok: true, held: false });
    expect(cartLineOutcomes([{ variantId: "set", quantity: -1 }], recipes, new Map(), new Map(), REASONS)[0]).toEqual({ variantId: "set", ok: false, available: 0, reason: INVALID });
  });

  it("place only what a line not already refused needs", () => {
    // Totes short: the sets are refused, so shirts are not placed; scarves (own line) still are.
    expect(variantsToPlace([{ variantId: "set", quantity: 2 }, { variantId: "scarf", quantity: 1 }], recipes, new Set(["tote"]))).toEqual(new Set(["scarf", "tote"]));
    expect(variantsToPlace([{ variantId: "set", quantity: 2 }, { variantId: "shirt", quantity: 1 }], recipes, new Set(["tote"]))).toEqual(new Set(["shirt", "tote"]));
  });

  it("end a bundle's component holds together, at the earliest of their lifetimes", () => {
    // Totes are low (5-minute holds), shirts are not (15): the set's shirts end with its totes; a loose scarf keeps its own.
    const lifetimes = new Map([["shirt", "2026-12-06T09:15:00.000Z"], ["tote", "2026-12-06T09:05:00.000Z"], ["scarf", "2026-12-06T09:15:00.000Z"]]);
    const lines = [{ variantId: "set", quantity: 1 }, { variantId: "scarf", quantity: 1 }];
    expect(sharedExpiries(lines, recipes, lifetimes)).toEqual(new Map([["shirt", "2026-12-06T09:05:00.000Z"]]));
    // A second bundle sharing the shirt with a scarf carries the earliest through the shirt.
    const both = new Map([...recipes, ["pack", [{ variantId: "shirt", quantity: 1 }, { variantId: "scarf", quantity: 1 }]]]);
    expect(sharedExpiries([{ variantId: "set", quantity: 1 }, { variantId: "pack", quantity: 1 }], both, lifetimes)).toEqual(
      new Map([["shirt", "2026-12-06T09:05:00.000Z"], ["scarf", "2026-12-06T09:05:00.000Z"]]),
    );
  });

  it("name the components the Function would refuse the holder, judged by the bundle's list alone", () => {
    const value = JSON.stringify({ channels: {}, components: [{ id: "shirt", quantity: 1, available: 30 }, { id: "tote", quantity: 2, available: 4 }] });
    // 8 sets need 16 totes; the list says 4 and gives this key nothing back.
    expect(componentsRefusedToHolder(value, new Map([["shirt", 8], ["tote", 16]]), new Set(["set"]), "key-d")).toEqual(["tote"]);
    // With a loose tote line in the cart, the Function reads the tote's own value instead.
    expect(componentsRefusedToHolder(value, new Map([["shirt", 8], ["tote", 17]]), new Set(["set", "tote"]), "key-d")).toEqual([]);
    expect(componentsRefusedToHolder("not json", new Map(), new Set(), "key-d")).toEqual([]);
  });

  it("give the holder back what the bundle's list names under its key, and only its key", () => {
    // Totes: 20 for sale, key-d holds 16 → everyone else 4, key-d 4 + 16 = 20; shirts 42 − 8 = 34, key-d 34 + 8 = 42.
    const value = JSON.stringify({
      channels: {},
      components: [
        { id: "shirt", quantity: 1, available: 34, keys: { "key-d": 8 } },
        { id: "tote", quantity: 2, available: 4, keys: { "key-d": 16 } },
      ],
    });
    const eightSets = new Map([["shirt", 8], ["tote", 16]]);
    expect(componentsRefusedToHolder(value, eightSets, new Set(["set"]), "key-d")).toEqual([]);
    expect(componentsRefusedToHolder(value, eightSets, new Set(["set"]), "key-e")).toEqual(["tote"]);
    // 11 sets would need 22 totes: 20 at most for key-d.
    expect(componentsRefusedToHolder(value, new Map([["shirt", 11], ["tote", 22]]), new Set(["set"]), "key-d")).toEqual(["tote"]);
  });
});
