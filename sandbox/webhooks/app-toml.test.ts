import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAppToml, topicSubscriptions } from "./app-toml.js";

const sample = `
# comment
client_id = "abc" # trailing comment
name = "Safe # stock"
application_url = 'https://example.test'
embedded = true

[access_scopes]
scopes = "read_inventory, write_inventory"

[webhooks]
api_version = "2026-10"

[[webhooks.subscriptions]]
topics = [
  "orders/create", # first
  "orders/updated",
]
uri = "/webhooks/orders"

[[webhooks.subscriptions]]
compliance_topics = ["customers/redact", "shop/redact"]
uri = "/webhooks/compliance"

[[webhooks.subscriptions]]
topics = ["products/update"]
uri = "pubsub://project:topic"
filter = "status:active"

[pos]
embedded = false
`;

describe("parseAppToml", () => {
  it("parses the subset: strings, comments, multi-line arrays, compliance topics", () => {
    const toml = parseAppToml(sample);
    expect(toml).toMatchObject({
      clientId: "abc",
      name: "Safe # stock",
      applicationUrl: "https://example.test",
      embedded: true,
      scopes: ["read_inventory", "write_inventory"],
      webhooksApiVersion: "2026-10",
    });
    expect(toml.subscriptions).toEqual([
      { topics: ["orders/create", "orders/updated"], complianceTopics: [], uri: "/webhooks/orders" },
      { topics: [], complianceTopics: ["customers/redact", "shop/redact"], uri: "/webhooks/compliance" },
      { topics: ["products/update"], complianceTopics: [], uri: "pubsub://project:topic", filter: "status:active" },
    ]);
  });

  it("flattens to absolute (topic, uri) pairs against the app URL", () => {
    expect(topicSubscriptions(parseAppToml(sample), "http://127.0.0.1:3000/")).toEqual([
      { topic: "orders/create", uri: "http://127.0.0.1:3000/webhooks/orders" },
      { topic: "orders/updated", uri: "http://127.0.0.1:3000/webhooks/orders" },
      { topic: "customers/redact", uri: "http://127.0.0.1:3000/webhooks/compliance" },
      { topic: "shop/redact", uri: "http://127.0.0.1:3000/webhooks/compliance" },
      { topic: "products/update", uri: "pubsub://project:topic" },
    ]);
  });

  const repoToml = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../shopify.app.toml");
  it.skipIf(!existsSync(repoToml))("reads the project's shopify.app.toml", () => {
    const toml = parseAppToml(readFileSync(repoToml, "utf8"));
    const topics = topicSubscriptions(toml, "https://app.test").map((s) => s.topic);
    expect(topics).toContain("inventory_levels/update");
    expect(topics).toContain("customers/data_request");
    expect(topics).toContain("app/uninstalled");
    expect(toml.scopes.length).toBeGreaterThan(0);
  });
});
