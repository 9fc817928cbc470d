/**
 * The Overview's set-up checklist (issue 18 § 3): what a new merchant still has to do, or what
 * Safestock still has to finish, before overselling protection works — each step with its live
 * status. Pure: app/services/setup.server.ts gathers the facts.
 */

export type SetupStatus = "done" | "todo" | "unknown";

export interface SetupFacts {
  initialSync: "idle" | "running" | "done" | "failed";
  policyVersion: number | null;
  /** null: Shopify could not be asked just now. */
  validationActive: boolean | null;
  /**
   * Safestock's rule exists but is switched off. The app only ever creates it switched on, so
   * someone turned it off in Shopify admin (Settings → Checkout → Checkout rules), the merchant
   * most likely: said distinctly, and switching protection on turns the same rule back on.
   */
  validationDisabled?: boolean;
  /** Whether any checkout has asked Safestock for a hold (the block is placed and reaches the app). */
  checkoutBlockSeen: boolean;
  /** null: Shopify could not be asked just now. */
  appUrlWritten: boolean | null;
  webhooksFrozen: boolean;
  token: "none" | "non-expiring" | "expiring";
}

export interface SetupItem {
  key: "sync" | "policy" | "validation" | "checkout-block" | "webhooks" | "token";
  label: string;
  status: SetupStatus;
  detail: string;
}

const live = (value: boolean | null): SetupStatus => (value === null ? "unknown" : value ? "done" : "todo");

/**
 * The checkout block's step is known only from use (a checkout asked Safestock for a hold): the
 * 2026-10 Admin API has no app-readable signal of where, or whether, a merchant placed an app
 * block. `CheckoutProfile` (deprecated) has only id, name, isPublished, typOspPagesActive and
 * dates (https://shopify.dev/docs/api/admin-graphql/2026-10/objects/CheckoutProfile), and its
 * successor `CheckoutAndAccountsConfiguration` only branding, overrides (branding per market),
 * isPublished, name and dates (sandbox/schemas/admin_2026-10.json.gz). So the help text says how to
 * place it: merchants place block targets in the checkout and accounts editor
 * (https://shopify.dev/docs/api/checkout-ui-extensions/latest/targets/checkout/block;
 * https://help.shopify.com/en/manual/checkout-settings/customize-checkout-configurations/checkout-editor).
 */
export function setupChecklist(facts: SetupFacts): SetupItem[] {
  const syncDetail = {
    idle: "Waiting to start the first import of locations, channels and inventory.",
    running: "Importing locations, channels and inventory…",
    done: "Locations, channels and inventory imported.",
    failed: "The first import failed: start it again from Sync.",
  }[facts.initialSync];
  return [
    { key: "sync", label: "First sync", status: facts.initialSync === "done" ? "done" : "todo", detail: syncDetail },
    {
      key: "policy",
      label: "Policy published",
      status: facts.policyVersion !== null ? "done" : "todo",
      detail: facts.policyVersion !== null ? `Policy v${facts.policyVersion} is in force.` : "Add rules and publish a policy on the Rules page.",
    },
    {
      key: "validation",
      label: "Checkout validation active",
      status: live(facts.validationActive === null || facts.appUrlWritten === null ? null : facts.validationActive && facts.appUrlWritten),
      detail:
        facts.validationActive === null
          ? "Shopify could not be asked just now."
          : facts.validationActive && facts.appUrlWritten
            ? "Shopify's checkout refuses carts over the online store's available-to-sell."
            : facts.validationDisabled
              ? "Validation disabled by the merchant: Safestock's checkout rule is turned off in Shopify admin (Settings → Checkout → Checkout rules), so carts over the available stock are not refused. Switch protection on to turn it back on."
              : "Not active yet: switch protection on.",
    },
    {
      key: "checkout-block",
      label: "Checkout block placed",
      status: facts.checkoutBlockSeen ? "done" : "todo",
      detail: facts.checkoutBlockSeen
        ? "Checkouts are holding their items with Safestock."
        : "In Shopify admin: Settings → Checkout → Customize. In the checkout and accounts editor, open the Checkout page, choose Add app block (in the Apps section of the sidebar), pick “Safestock cart hold”, place it (for example under the order summary), then Save. Shopify does not tell apps where their blocks are placed, so this step turns green after the first checkout that holds its items with Safestock.",
    },
    {
      key: "webhooks",
      label: "Webhooks healthy",
      status: facts.webhooksFrozen ? "todo" : "done",
      detail: facts.webhooksFrozen ? "Deliveries look unhealthy: writes are paused until they recover." : "Shopify's webhook deliveries arrive.",
    },
    {
      key: "token",
      label: "Access token",
      status: facts.token === "expiring" ? "done" : "todo",
      detail:
        facts.token === "expiring"
          ? "Expiring offline token, renewed automatically (Shopify requires these from 2027)."
          : facts.token === "non-expiring"
            ? "Non-expiring offline token: it is exchanged for an expiring one on next use."
            : "No offline token yet: open the app from Shopify admin.",
    },
  ];
}
