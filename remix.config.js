// Remix v2 classic compiler (the layout of Shopify's shopify-app-template-remix before Vite).
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  appDirectory: "app",
  serverModuleFormat: "esm",
  serverPlatform: "node",
  // @shopify/polaris and the app-remix React entry ship ESM that must be bundled.
  serverDependenciesToBundle: [/^@shopify\/.*/],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: false,
  },
  dev: { port: 8002 },
};
