/**
 * KNOWN VIOLATIONS: imports that break a rule today, each with the fix that removes it. They pass;
 * anything else fails. Keep this short: a new violation is fixed, not listed. Delete an entry with
 * its fix (`npm run -s lint:architecture:strict` lists what the full rules still find;
 * tests/architecture.test.ts fails while an entry outlives its violation). `from` and every `to`
 * are exact paths from the repository root; `rule` is a rule name of ./dependency-cruiser.cjs.
 */
module.exports = [
  {
    rule: "layer-shopify",
    from: "app/shopify/admin-for-shop.server.ts",
    to: ["app/models/shop-installation.server.ts", "app/db.server.ts"],
    fix: "the Admin client takes the session lookup and the lost-access callback as arguments; a composition root (not app/shopify/) wires in sessionStorage and models/shop-installation, so importing the client runs neither env() nor shopifyApp()",
  },
  {
    rule: "layer-shopify",
    from: "app/shopify/offline-token.server.ts",
    to: ["app/db.server.ts"],
    fix: "the token source's store (offline session rows and the refresh lease) moves to app/models/ and is handed in by the composition root",
  },
];
