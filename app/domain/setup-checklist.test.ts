import { describe, expect, it } from "vitest";
import { setupChecklist, type SetupFacts } from "./setup-checklist";

const ready: SetupFacts = {
  initialSync: "done",
  policyVersion: 2,
  validationActive: true,
  checkoutBlockSeen: true,
  appUrlWritten: true,
  webhooksFrozen: false,
  token: "expiring",
};

describe("the set-up checklist", () => {
  it("is all done for a shop that is set up, in the order a merchant goes through it", () => {
    const items = setupChecklist(ready);
    expect(items.map((item) => item.key)).toEqual(["sync", "policy", "validation", "checkout-block", "webhooks", "token"]);
    expect(items.every((item) => item.status === "done")).toBe(true);
  });

  it("names each missing step, and says unknown when Shopify could not be asked", () => {
    const fresh = setupChecklist({ ...ready, initialSync: "running", policyVersion: null, validationActive: false, checkoutBlockSeen: false, webhooksFrozen: true, token: "non-expiring" });
    expect(fresh.filter((item) => item.status === "todo").map((item) => item.key)).toEqual(["sync", "policy", "validation", "checkout-block", "webhooks", "token"]);
    // The validation alone is not enough: the checkout block also needs the app's URL.
    expect(setupChecklist({ ...ready, appUrlWritten: false }).find((item) => item.key === "validation")?.status).toBe("todo");
    expect(setupChecklist({ ...ready, validationActive: null, appUrlWritten: null }).find((item) => item.key === "validation")?.status).toBe("unknown");
  });

  it("says how to place the checkout block, and that it turns green only once a checkout used it (no placement signal in the Admin API)", () => {
    const block = setupChecklist({ ...ready, checkoutBlockSeen: false }).find((item) => item.key === "checkout-block")!;
    expect(block.status).toBe("todo");
    for (const step of ["Settings → Checkout → Customize", "Add app block", "Safestock cart hold", "Save", "first checkout"]) expect(block.detail).toContain(step);
  });

  it("says distinctly when the merchant turned the rule off, rather than that it was never switched on", () => {
    const off = setupChecklist({ ...ready, validationActive: false, validationDisabled: true }).find((item) => item.key === "validation")!;
    expect(off.status).toBe("todo");
    expect(off.detail).toContain("disabled by the merchant");
    const never = setupChecklist({ ...ready, validationActive: false, validationDisabled: false }).find((item) => item.key === "validation")!;
    expect(never.status).toBe("todo");
    expect(never.detail).not.toContain("disabled by the merchant");
  });
});
