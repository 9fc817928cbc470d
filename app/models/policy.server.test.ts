import { describe, expect, it } from "vitest";
import { currentPolicy, insertPolicyVersion } from "./policy.server";

describe("stored policy versions", () => {
  it("a version stored without channels or protection reads back with both lists empty (docs/policy.md: missing counts as empty)", async () => {
    const shop = "policy-lists.myshopify.com";
    // As versions were stored before checkPolicy filled the lists in.
    await insertPolicyVersion(shop, { version: 1, protection: [{ kind: "safety_stock", units: 2 }] }, "test", null);
    expect((await currentPolicy(shop))?.document).toEqual({ version: 1, protection: [{ kind: "safety_stock", units: 2 }], channels: [] });
  });
});
