/**
 * The layer rules of docs/decisions/001-layers-and-pure-domain.md, checked by dependency-cruiser.
 * Run: `npm run -s lint:architecture` (part of `npm test`).
 *
 * Each layer lists what it MAY import inside the repository (`ALLOWED`); anything else in app/,
 * sandbox/, extensions/, tests/ or bench/ is a violation. Packages and Node built-ins are judged by
 * the separate rules below (the domain may import none). Unit tests beside the code (`*.test.ts`,
 * `__fixtures__/`, the shared queue contract) are exempt from the layer matrix, as tests/ and
 * bench/ are: they wire layers together on purpose.
 *
 * No exceptions are listed: a violation is fixed, not allowed.
 */

/** Layers: a path regex each (dependency-cruiser matches paths relative to the repository root). */
const LAYER = {
  domain: "^app/domain/",
  /** Pure helpers both sides of a page need, the browser's components and the server's services (docs/decisions/001). */
  shared: "^app/shared/",
  shopify: "^app/shopify/",
  models: "^app/models/",
  db: "^app/db\\.server\\.ts$",
  config: "^app/env\\.server\\.ts$",
  services: "^app/services/",
  jobs: "^app/jobs/(?!worker-cli\\.ts$)",
  routes: "^app/routes/",
  components: "^app/components/",
  /** Entry points run from the command line: the CLIs and `npm run worker`. */
  cli: "^app/(cli/|jobs/worker-cli\\.ts$)",
  /** The composition root (docs/decisions/023): builds and wires every layer; only entry points import it. */
  root: "^app/composition\\.server\\.ts$",
  /** The Remix app: Shopify app config + session storage (authenticate), the server and document entries. */
  composition: "^app/(shopify\\.server\\.ts|entry\\.server\\.tsx|root\\.tsx)$",
  sandbox: "^sandbox/",
  extensions: "^extensions/",
  prisma: "^prisma/",
  testsAndBench: "^(tests|bench)/",
};

/** The jobs port a service may use: the queue interface and the worker loop it hands handlers to. */
const JOBS_PORT = "^app/jobs/(queue|worker)\\.server\\.ts$";
/** `shopify.server` as a route uses it: `authenticate` (and the app's config for the embedded page). */
const AUTHENTICATE = "^app/shopify\\.server\\.ts$";

/** Tests beside the code: exempt from the layer matrix (they wire layers together on purpose). */
const UNIT_TESTS = "\\.test\\.tsx?$|/__fixtures__/|^app/jobs/queue-contract\\.ts$";

/** Everything a layer rule judges: the repository's own code. */
const OWN_CODE = "^(app|sandbox|extensions|tests|bench|prisma)/";

/**
 * The matrix: for each layer, the repository paths it may import (its own layer is always allowed).
 * Anything not listed is forbidden.
 */
const ALLOWED = {
  domain: [],
  shared: [],
  shopify: [LAYER.domain, LAYER.config],
  models: [LAYER.domain, LAYER.db, LAYER.config],
  db: [],
  config: [],
  services: [LAYER.domain, LAYER.shared, LAYER.shopify, LAYER.models, JOBS_PORT, LAYER.config],
  jobs: [LAYER.domain, LAYER.models, LAYER.db, LAYER.config],
  routes: [LAYER.services, LAYER.components, AUTHENTICATE, LAYER.config],
  // components: see the separate components-domain-types-only rule for app/domain.
  components: [LAYER.domain, LAYER.shared],
  cli: [LAYER.services, LAYER.jobs, LAYER.shopify, LAYER.domain, LAYER.config, LAYER.root],
  composition: [LAYER.services, LAYER.shopify, LAYER.models, LAYER.db, LAYER.config, LAYER.components, LAYER.jobs, LAYER.domain, LAYER.root],
  root: [LAYER.services, LAYER.shopify, LAYER.models, LAYER.db, LAYER.config, LAYER.jobs, LAYER.domain, LAYER.composition],
  // The emulator runs the cart-validation Function as Shopify's Functions runtime does (sandbox/checkout).
  sandbox: ["^extensions/[^/]+/src/"],
  prisma: [],
};

// ---------------------------------------------------------------------------------------------

const layerRules = Object.entries(ALLOWED).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  severity: "error",
  comment: `${layer} (${LAYER[layer]}) may import only: ${[LAYER[layer], ...allowed].join(", ")} (docs/decisions/001-layers-and-pure-domain.md)`,
  // The emulator's own tests import no app/ code either (the sandbox is never kinder for knowing the app).
  from: layer === "sandbox" ? { path: LAYER[layer] } : { path: LAYER[layer], pathNot: UNIT_TESTS },
  to: { path: OWN_CODE, pathNot: [LAYER[layer], ...allowed] },
}));

const rules = [
  ...layerRules,
  {
    name: "app-file-in-a-layer",
    severity: "error",
    comment: "Every module in app/ belongs to a layer of docs/decisions/001 (a folder, or one of the composition files); add a new one to LAYER and ALLOWED with the decision.",
    from: { path: "^app/", pathNot: [...Object.values(LAYER), UNIT_TESTS, "\\.d\\.ts$"] },
    to: {},
  },
  {
    name: "layer-extensions",
    severity: "error",
    comment: "An extension is deployed on its own: it imports only its own folder and its packages (docs/decisions/001).",
    from: { path: "^extensions/([^/]+)/", pathNot: UNIT_TESTS },
    to: { path: OWN_CODE, pathNot: "^extensions/$1/" },
  },
  {
    name: "components-domain-types-only",
    severity: "error",
    comment: "Components render what a service hands them: from app/domain they take types only (docs/decisions/001).",
    from: { path: LAYER.components },
    to: { path: LAYER.domain, dependencyTypesNot: ["type-only"] },
  },
  {
    name: "domain-is-pure",
    severity: "error",
    comment: "app/domain and app/shared are pure TypeScript: no packages, no Node built-ins (docs/decisions/001).",
    from: { path: [LAYER.domain, LAYER.shared], pathNot: UNIT_TESTS },
    to: { dependencyTypes: ["core", "npm", "npm-dev", "npm-optional", "npm-peer", "npm-bundled", "npm-no-pkg", "npm-unknown"] },
  },
  {
    name: "no-circular",
    severity: "error",
    comment:
      "No import cycles (docs/decisions/001): a cycle makes module initialisation order matter and usually means a layer reaches back up. Type-only imports are erased, so they do not count; an `import()` does (a late import that dodges a cycle is still one).",
    from: { path: "^(app|sandbox)/" },
    to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
  },
  {
    name: "no-orphans",
    severity: "error",
    comment: "A module nothing imports and that imports nothing is dead or misplaced: delete it or wire it in.",
    from: {
      orphan: true,
      pathNot: [
        "\\.d\\.ts$",
        "^remix\\.config\\.js$",
        "^tests/architecture/",
        "\\.test\\.tsx?$",
        "^sandbox/app-preload\\.mjs$", // loaded with node --import (sandbox/stack.ts)
      ],
    },
    to: {},
  },
  {
    name: "not-to-unresolvable",
    severity: "error",
    comment: "An import that resolves to nothing (a missing file, or a package not installed).",
    from: { pathNot: "^extensions/" },
    to: { couldNotResolve: true },
  },
  {
    name: "no-non-package-json",
    severity: "error",
    comment: "A package imported but not in package.json works only by accident of hoisting.",
    from: { pathNot: "^extensions/" },
    // The PostgreSQL profile's Prisma client, generated there by prisma/postgres/generate.mjs.
    to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"], pathNot: "^node_modules/\\.prisma-postgres/" },
  },
];

module.exports = {
  forbidden: rules,
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(build|public/build|extensions/[^/]+/dist)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".json", ".d.ts"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
