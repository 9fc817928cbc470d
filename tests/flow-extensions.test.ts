/**
 * The Flow extensions and the app agree (docs/decisions/035-shopify-flow.md): every action
 * extension's runtime_url has its route and every Flow route its extension; every trigger the app
 * builds names an extension whose declared fields are exactly the payload's keys. Read from the
 * files `shopify app deploy` deploys, not from the app's constants.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { channelNumberLowTriggers, channelPausedTrigger, exposureTriggers, FLOW_TRIGGER_NAMES, protectionChangedTrigger } from "~/domain/flow";
import { loadFlowExtensions } from "../sandbox/flow/extensions";

const root = path.resolve(__dirname, "..");
const extensions = [...loadFlowExtensions(path.join(root, "extensions")).values()];

describe("Flow extensions", () => {
  it("are the four triggers and three actions, each handle at most 30 characters", () => {
    expect(extensions.filter((extension) => extension.type === "flow_trigger").map((extension) => extension.handle).sort()).toEqual([
      "safestock-channel-number-low",
      "safestock-channel-paused",
      "safestock-oversell-recorded",
      "safestock-protection-changed",
    ]);
    expect(extensions.filter((extension) => extension.type === "flow_action").map((extension) => extension.handle).sort()).toEqual([
      "safestock-pause-channel",
      "safestock-reconcile-now",
      "safestock-set-safety-stock",
    ]);
    for (const extension of extensions) expect(extension.handle.length).toBeLessThanOrEqual(30);
  });

  it("each action's runtime_url is served by one route, and every Flow route by one action", () => {
    const routeUrls = readdirSync(path.join(root, "app/routes"))
      .filter((file) => file.startsWith("flow.actions.") && file.endsWith(".tsx"))
      .map((file) => `/${file.replace(/\.tsx$/, "").split(".").join("/")}`)
      .sort();
    const actionUrls = extensions.filter((extension) => extension.type === "flow_action").map((extension) => new URL(extension.runtimeUrl!).pathname).sort();
    expect(routeUrls).toEqual(actionUrls);
  });

  it("every trigger the app builds sends exactly its extension's fields", () => {
    const built = [
      channelPausedTrigger({ channelName: "Marketplace", channel: "marketplace", paused: true, reason: "r", policyVersion: 1 }),
      protectionChangedTrigger({ policyVersion: 1, changedBy: "staff", summary: "s" }),
      ...exposureTriggers([{ orderId: "gid://shopify/Order/1", lineItemId: "1", sku: "MUG", channel: "online_store", quantity: 2, oversoldUnits: 1, nearMiss: false }]).map((entry) => entry.trigger),
      ...channelNumberLowTriggers([], [{ inventoryItemId: "i", sku: "MUG", channel: "online_store", available: 1 }], () => 3).map((entry) => entry.trigger),
    ];
    expect(built.map((trigger) => trigger.handle).sort()).toEqual(extensions.filter((extension) => extension.type === "flow_trigger").map((extension) => extension.handle).sort());
    for (const trigger of built) {
      const extension = extensions.find((entry) => entry.handle === trigger.handle)!;
      expect(Object.keys(trigger.payload).sort()).toEqual(extension.fields.map((field) => field.key).sort());
    }
  });

  it("one lifecycle callback, served by the app's lifecycle route; the app knows each trigger's name as Flow may send it", () => {
    const callbacks = extensions.filter((extension) => extension.type === "flow_trigger_lifecycle_callback");
    expect(callbacks.map((extension) => extension.handle)).toEqual(["safestock-flow-lifecycle"]);
    const route = `app/routes/${new URL(callbacks[0]!.callbackUrl!).pathname.slice(1).split("/").join(".")}.tsx`;
    expect(route).toBe("app/routes/flow.lifecycle.tsx");
    expect(existsSync(path.join(root, route))).toBe(true);
    expect(Object.fromEntries(extensions.filter((extension) => extension.type === "flow_trigger").map((extension) => [extension.handle, extension.name]))).toEqual(FLOW_TRIGGER_NAMES);
  });
});
