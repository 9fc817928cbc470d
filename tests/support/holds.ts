/** What the checkout UI extension does against the app's /api/holds, and the channel numbers Safestock published. */
import { parseChannelMetafieldValue } from "~/domain/inventory-writes";
import { action as holdsAction } from "~/routes/api.holds";
import { publishPolicy } from "~/services/policy.server";
import { startHarness, type Harness } from "./harness";
import { TEST_POLICY, variantOf } from "./scenarios";

/** Online Store first, marketplace second: a hold on the Online Store shows in the marketplace's number. */
export const HOLDS_POLICY = { ...TEST_POLICY, channels: [{ channel: "online_store", tier: 1 }, { channel: "marketplace", tier: 2 }] };

/** The app installed on `shop` with HOLDS_POLICY published and synced. `beforeInstall` may watch the shop first. */
export async function startHoldsHarness(shop: string, beforeInstall: (harness: Harness) => void = () => undefined): Promise<Harness> {
  const harness = startHarness({ shops: [shop] });
  beforeInstall(harness);
  await harness.install(shop);
  await harness.settle();
  const published = await publishPolicy(shop, HOLDS_POLICY, { createdBy: "test" });
  if (!published.ok) throw new Error(`policy not published: ${JSON.stringify(published)}`);
  await harness.settle();
  return harness;
}

/** The per-channel ATS in the variant's metafield, as the checkout Function reads it. */
export function publishedChannels(harness: Harness, shop: string, sku: string) {
  const variant = variantOf(harness, shop, sku);
  const metafield = harness.sandbox.shop(shop).snapshot().metafields.find((entry) => entry.ownerId === variant.id);
  return parseChannelMetafieldValue(metafield?.value)!;
}

/** The checkout UI extension's call: its session token and the checkout's lines. */
export async function callHolds(harness: Harness, shop: string, method: "POST" | "DELETE", body: unknown) {
  const response = await holdsAction({
    request: new Request("https://safestock.test/api/holds", {
      method,
      headers: {
        "Content-Type": "application/json",
        Origin: "https://extensions.shopifycdn.com",
        Authorization: `Bearer ${harness.sandbox.mintSessionToken(shop)}`,
      },
      body: JSON.stringify(body),
    }),
    params: {},
    context: {},
  }).catch((thrown: unknown) => (thrown instanceof Response ? thrown : Promise.reject(thrown)));
  // Refusals before the route reads the JSON (a body over the limit: 413) are plain text.
  const text = await response.text();
  return { status: response.status, body: (response.headers.get("Content-Type") ?? "").includes("json") ? JSON.parse(text) : { error: text } };
}
