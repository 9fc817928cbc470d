/**
 * Lint: TypeScript-aware basics everywhere, plus the one architectural rule that matters most:
 * `app/domain/` is pure (docs/decisions/001-layers-and-pure-domain.md). It may not import IO (Prisma, Shopify, Remix, Node
 * built-ins, `*.server` modules) nor read the clock, randomness or the network; time and data
 * come in as arguments so every plan is reproducible and property-testable.
 */
const domainForbiddenImports = {
  patterns: [
    { group: ["@prisma/*", "@prisma/**"], message: "app/domain is pure: no Prisma. Use app/models/*.server.ts." },
    { group: ["@shopify/*", "@shopify/**"], message: "app/domain is pure: no Shopify libraries. Use app/shopify/*.server.ts." },
    { group: ["@remix-run/*"], message: "app/domain is pure: no Remix." },
    { group: ["node:*", "fs", "path", "http", "https", "child_process", "os", "crypto", "net"], message: "app/domain is pure: no Node IO modules." },
    { group: ["*.server", "**/*.server", "~/db.server", "~/shopify.server"], message: "app/domain is pure: no *.server modules." },
    { group: ["react", "react-dom"], message: "app/domain is pure: no UI." },
    { group: ["**/sandbox", "**/sandbox/**"], message: "app/ code never imports the emulator (docs/decisions/001)." },
  ],
};

/**
 * Layer rules beyond the domain (docs/decisions/001-layers-and-pure-domain.md), here for the
 * editor's quick feedback. The full matrix, import cycles and orphans are checked by
 * dependency-cruiser (`npm run lint:architecture`, tests/architecture/dependency-cruiser.cjs).
 */
const sandboxMayNotImportApp = {
  patterns: [
    { group: ["~/*", "~/**", "**/app/**", "../app", "../../app"], message: "sandbox/ is the emulated Shopify: it never imports app/ (docs/decisions/001)." },
  ],
};
const appMayNotImportSandbox = {
  patterns: [{ group: ["**/sandbox", "**/sandbox/**"], message: "app/ code never imports the emulator; only tests wire them together (docs/decisions/001)." }],
};
const routesMayNotImportStorage = {
  patterns: [
    { group: ["~/models/*", "~/models/**", "**/models/*.server"], message: "Routes are thin: call a service (app/services), not a model (docs/decisions/001)." },
    { group: ["~/db.server", "**/db.server", "@prisma/client", "@prisma/*"], message: "Routes are thin: no database access, call a service (docs/decisions/001)." },
  ],
};

module.exports = {
  root: true,
  parser: "@typescript-eslint/parser",
  parserOptions: { ecmaVersion: "latest", sourceType: "module", ecmaFeatures: { jsx: true } },
  plugins: ["@typescript-eslint"],
  extends: ["eslint:recommended", "plugin:@typescript-eslint/recommended"],
  env: { node: true, browser: true, es2022: true },
  ignorePatterns: ["build/", "public/build/", "node_modules/", "extensions/**/dist/", "**/*.gz"],
  rules: {
    "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    "no-console": "off",
  },
  overrides: [
    {
      // "No function longer than a screen or two" (the developers' guide), made executable at 150
      // lines. React components (.tsx) are exempt: their length is markup, not control flow.
      files: ["app/**/*.ts"],
      rules: { "max-lines-per-function": ["error", { max: 150, skipBlankLines: true, skipComments: true }] },
    },
    {
      files: ["sandbox/**/*.ts", "sandbox/**/*.mjs"],
      rules: { "no-restricted-imports": ["error", sandboxMayNotImportApp] },
    },
    {
      files: ["app/**/*.ts", "app/**/*.tsx"],
      excludedFiles: ["app/**/*.test.ts", "app/**/*.test.tsx", "app/domain/**/*.ts", "app/routes/**"],
      rules: { "no-restricted-imports": ["error", appMayNotImportSandbox] },
    },
    {
      files: ["app/routes/**/*.ts", "app/routes/**/*.tsx"],
      excludedFiles: ["app/routes/**/*.test.ts", "app/routes/**/*.test.tsx"],
      rules: {
        "no-restricted-imports": [
          "error",
          { patterns: [...appMayNotImportSandbox.patterns, ...routesMayNotImportStorage.patterns] },
        ],
      },
    },
    {
      // app/shared (helpers both the browser and the server use) is as pure as the domain (docs/decisions/001).
      files: ["app/domain/**/*.ts", "app/shared/**/*.ts"],
      excludedFiles: ["app/domain/**/*.test.ts", "app/shared/**/*.test.ts"],
      rules: {
        "no-restricted-imports": ["error", domainForbiddenImports],
        "no-restricted-globals": [
          "error",
          { name: "fetch", message: "app/domain is pure: no network." },
          { name: "process", message: "app/domain is pure: configuration comes in as arguments." },
          { name: "setTimeout", message: "app/domain is pure: no timers." },
        ],
        "no-restricted-syntax": [
          "error",
          { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "app/domain is pure: pass `now` in." },
          { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "app/domain is pure: pass `now` in." },
          { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: "app/domain is pure: no randomness." },
        ],
      },
    },
  ],
};
