// The Function's entry module: the Shopify CLI bundles this file and maps each export to the
// `export` of a `[[extensions.targeting]]` entry in shopify.extension.toml (camelCase here,
// kebab-case there): https://shopify.dev/docs/api/functions/configuration
export * from "./cart_validations_generate_run";
