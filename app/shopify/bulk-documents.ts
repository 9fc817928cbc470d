/**
 * Admin GraphQL documents for reading the whole catalog with one bulk query operation
 * (https://shopify.dev/docs/api/usage/bulk-operations/queries). Validated against the official
 * 2026-10 schema by bulk-documents.test.ts, which also checks that BULK_CATALOG_QUERY selects
 * exactly what CATALOG_PAGE_QUERY's fragment selects (documents.ts), so that a bulk read and a
 * paged read produce the same `ShopifyItem`s.
 */
import { CHANNEL_METAFIELD, LEVEL_FIELDS } from "./documents";

/**
 * The inner query of the bulk operation: the catalog fragment's fields with connections
 * without `first` (bulk queries have no page size). Connections: inventoryItems, variants,
 * inventoryLevels = 3 (≤ 5), nested 2 deep (≤ 2); the item selects `id`, which Shopify
 * requires of the parent of a nested connection. `quantities(names:)` is a plain list, so it
 * stays inline on each level line. In the JSONL, each variant and level is its own line with
 * `__parentId` = the inventory item id.
 */
export const BULK_CATALOG_QUERY = /* GraphQL */ `
  {
    inventoryItems {
      edges {
        node {
          id
          sku
          tracked
          requiresShipping
          variants {
            edges {
              node {
                id
                title
                requiresComponents
                inventoryPolicy
                product {
                  id
                  title
                  tags
                  isGiftCard
                }
                metafield(namespace: "${CHANNEL_METAFIELD.namespace}", key: "${CHANNEL_METAFIELD.key}") {
                  id
                  value
                  compareDigest
                }
              }
            }
          }
          inventoryLevels {
            edges {
              node {
${LEVEL_FIELDS}
              }
            }
          }
        }
      }
    }
  }
`;

/**
 * `groupObjects: true` (the 2026-10 default is false): each inventory item's variant and level
 * lines come directly under it, so a catalog batch can be planned as soon as its items' lines are
 * read and the app's memory is bounded by the batch, not by the catalog (100,000 variants in
 * under 1 GB; docs/decisions/011-bulk-reads-for-large-catalogs.md). Shopify says grouping makes the operation slower; it runs on Shopify's
 * side, in the background, before the download. `parseBulkCatalog` still accepts any line order.
 */
export const BULK_RUN_QUERY_MUTATION = /* GraphQL */ `
  mutation SafestockBulkRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/**
 * Polls one operation by id. `currentBulkOperation` is deprecated in 2026-10 ("Use
 * `bulkOperations` with status filter instead") and, with up to five concurrent operations,
 * "the current one" may not be ours.
 */
export const BULK_OPERATION_QUERY = /* GraphQL */ `
  query SafestockBulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      fileSize
      url
      partialDataUrl
      createdAt
      completedAt
    }
  }
`;

/** Frees the concurrency slot of an operation we gave up on (timeout). */
export const BULK_CANCEL_MUTATION = /* GraphQL */ `
  mutation SafestockBulkCancel($id: ID!) {
    bulkOperationCancel(id: $id) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const ALL_BULK_DOCUMENTS = {
  BULK_CATALOG_QUERY,
  BULK_RUN_QUERY_MUTATION,
  BULK_OPERATION_QUERY,
  BULK_CANCEL_MUTATION,
};
