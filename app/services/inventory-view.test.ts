import { describe, expect, it } from "vitest";
import { withPauseReason } from "./inventory-view.server";

describe("every paused channel explains why", () => {
  it("names the pauseBelow threshold when the engine wrote no line (nothing was left to remove)", () => {
    expect(withPauseReason([], true, { channel: "marketplace", pauseBelow: 5 }, null)).toEqual([
      "Paused: 0 left is under the threshold of 5",
    ]);
  });
  it("names the merchant's pause, and the webhook freeze", () => {
    expect(withPauseReason([], true, { channel: "wholesale", paused: true }, null)).toEqual(["Paused by the merchant"]);
    expect(withPauseReason([], true, undefined, "webhooks are 20 min late")).toEqual(["Paused while webhooks recover: webhooks are 20 min late"]);
  });
  it("keeps the engine's own pause line and leaves running channels alone", () => {
    const line = "paused: 3 left is under the threshold of 5";
    expect(withPauseReason([line], true, { channel: "marketplace", pauseBelow: 5 }, null)).toEqual([line]);
    expect(withPauseReason([], false, { channel: "marketplace", pauseBelow: 5 }, null)).toEqual([]);
  });
});
