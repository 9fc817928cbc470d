import { describe, expect, it } from "vitest";
import snapshotJson from "./__fixtures__/issue-example.snapshot.json";
import { validateSnapshot } from "./validate-snapshot";

const goodLevel = { sku: "A", location: "X", onHand: 1, committed: 0, reserved: 0, damaged: 0, qualityControl: 0, incoming: 0 };

function problemsOf(input: unknown) {
  const result = validateSnapshot(input);
  return result.ok ? [] : result.problems;
}

describe("validateSnapshot", () => {
  it("accepts the issue example", () => {
    expect(validateSnapshot(snapshotJson)).toEqual({ ok: true, value: snapshotJson });
  });

  it.each<[string, unknown, { path: string; message: string }[]]>([
    ["not an object", "x", [{ path: "", message: "a snapshot must be a JSON object" }]],
    ["missing levels", { syncLagMinutes: 1 }, [{ path: "levels", message: expect.stringContaining("required") }]],
    ["missing sync lag", { levels: [] }, [{ path: "syncLagMinutes", message: expect.stringContaining("required") }]],
    [
      "a negative quantity",
      { syncLagMinutes: 1, levels: [{ ...goodLevel, committed: -2 }] },
      [{ path: "levels[0].committed", message: "must not be negative, got -2" }],
    ],
    [
      "a missing quantity and sku",
      { syncLagMinutes: 1, levels: [{ ...goodLevel, sku: undefined, incoming: undefined }] },
      [
        { path: "levels[0].sku", message: "is required" },
        { path: "levels[0].incoming", message: expect.stringContaining("required") },
      ],
    ],
    [
      "a reserve's sales that are not whole units (the published listings may carry them)",
      {
        syncLagMinutes: 1,
        levels: [goodLevel],
        items: [{ sku: "A", publishedReserves: { marketplace: [{ units: 7, publishedAtMs: 0, soldSinceReplaced: 1.5 }, { units: 2, publishedAtMs: 60_000, soldSince: 3 }] } }],
      },
      [{ path: "items[0].publishedReserves.marketplace[0].soldSinceReplaced", message: "must be a whole number of units, got 1.5" }],
    ],
    [
      "a level listed twice",
      { syncLagMinutes: 1, levels: [goodLevel, goodLevel] },
      [{ path: "levels[1]", message: "A at X appears twice" }],
    ],
    [
      "a hold without a valid expiry",
      { syncLagMinutes: 1, levels: [], holds: [{ sku: "A", channel: "web", units: 1, expiresAt: "soon" }] },
      [{ path: "holds[0].expiresAt", message: expect.stringContaining("ISO-8601") }],
    ],
    [
      "a negative sales rate",
      { syncLagMinutes: 1, levels: [], items: [{ sku: "A", unitsPerMinute: -1 }] },
      [{ path: "items[0].unitsPerMinute", message: "must not be negative, got -1" }],
    ],
    [
      "an unknown field",
      { syncLagMinutes: 1, levels: [{ ...goodLevel, safetyStock: 3 }] },
      [{ path: "levels[0].safetyStock", message: expect.stringContaining("unknown field") }],
    ],
  ])("refuses %s", (_name, input, problems) => {
    expect(problemsOf(input)).toEqual(problems);
  });
});
