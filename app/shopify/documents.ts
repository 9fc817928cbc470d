/**
 * Every Admin GraphQL document Safestock sends, in one place so that a test validates each
 * against Shopify's official 2026-10 schema (app/shopify/documents.test.ts).
 */

/** All quantity names, in the order we read them (docs/decisions/012 "Inventory states"). */
export const QUANTITY_NAMES = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "safety_stock",
  "quality_control",
  "on_hand",
  "incoming",
] as const;

/**
 * Variant metafield carrying channel ATS (docs/decisions/012 "Sales channels"). Merchant-owned, not
 * `$app:`: a marketplace connector is another app and cannot read Safestock's reserved namespace
 * (https://shopify.dev/docs/apps/build/custom-data/permissions); the cart-validation Function reads
 * it too. docs/decisions/017-readable-channel-numbers.md.
 */
export const CHANNEL_METAFIELD = { namespace: "safestock", key: "channels", type: "json" } as const;

/**
 * Shopify's largest page of an item's levels (`$levelsPerPage`): the cap of `levelPagingFor`, which
 * sizes each read's page to the shop's locations, since through nodes(ids:) a page is charged whole
 * (see the cost note in the fragment, docs/decisions/043). A variable, not a constant in the text,
 * so a test can page a 30-location shop in pages of 10.
 */
export const LEVELS_PER_PAGE = 250;

/** One inventory level as every read selects it (paged, follow-up and bulk reads alike). */
export const LEVEL_FIELDS = /* GraphQL */ `
        id
        location {
          id
          name
          isActive
        }
        quantities(names: ${JSON.stringify(QUANTITY_NAMES)}) {
          name
          quantity
        }
`;

const ITEM_LEVELS_FRAGMENT = /* GraphQL */ `
  fragment SafestockItemLevels on InventoryItem {
    id
    sku
    tracked
    # false: a digital good or service, nothing ships, Safestock leaves it alone (docs/decisions/034;
    # https://shopify.dev/docs/api/admin-graphql/latest/objects/InventoryItem#field-requiresShipping).
    requiresShipping
    variants(first: 1) {
      nodes {
        id
        title
        # A fixed bundle's parent: it sells its components' stock; its components are read with
        # BUNDLE_LINKS_QUERY, only when there is one (docs/decisions/034).
        requiresComponents
        # A component of a fixed bundle has parents ("A list of products that have product variants
        # that contain this variant as a product component", 2026-10 ProductVariant.productParents;
        # the schema has no scalar for it). One is enough to know: BUNDLE_LINKS_QUERY reads them
        # all, and is sent only for variants that are bundles or components (docs/decisions/034
        # "Links only for bundles and their components"). Read fresh with every item, so a bundle
        # made since the last read is seen by the next run of any of its components. 3 points
        # requested and actual (2 + size(1)), against 15 for a links query.
        productParents(first: 1) {
          nodes {
            id
          }
        }
        # CONTINUE: the variant keeps selling when out of stock (preorders, backorders); Shopify lets
        # its available go below zero, so Safestock never blocks it
        # (https://shopify.dev/docs/api/admin-graphql/latest/enums/ProductVariantInventoryPolicy).
        inventoryPolicy
        product {
          id
          title
          tags
          # Gift cards are left alone (docs/decisions/034).
          isGiftCard
        }
        metafield(namespace: "${CHANNEL_METAFIELD.namespace}", key: "${CHANNEL_METAFIELD.key}") {
          id
          value
          compareDigest
        }
      }
    }
    # Shopify sizes a connection by ~2·ln(first), not by first (recorded: first 1/10/50/100/250
    # cost 3/6/9/11/13 for nodes { id }, sandbox/admin-api/cost.ts). With Shopify's largest page
    # (LEVELS_PER_PAGE) one item costs 1 + variants 8 + levels (2 + 11 × 3) = 44 requested;
    # nodes(ids:) is charged once however many ids it names, and a catalog page of 10 items costs
    # 2 + 4 × 44 = 178 (250 items: 486), all under the 1,000-point single-query limit
    # (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits).
    # Actual: on a catalog page the levels are charged pro rata (3 levels: 3 points); read through
    # nodes(ids:) they are charged their full requested page (35 for 250), as Shopify did in the one
    # recorded read of that shape (docs/decisions/016 §1, amended 2026-12-06). So every caller of
    # the item read passes a page the size of the shop's locations (levelPagingFor): at 3 locations
    # levels 2 + size(3) 2 × 3 = 8, an item read 1 + 8 + 8 = 17 actual, not 44; and a caller that
    # needs only the channel numbers reads CHANNEL_NUMBERS_QUERY (2) instead (docs/decisions/043).
    # An item stocked at more locations is completed with ITEM_MORE_LEVELS_QUERY from endCursor:
    # planning from a partial read would leave its other locations out of every pool.
    inventoryLevels(first: $levelsPerPage) {
      nodes {
${LEVEL_FIELDS}
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** The rest of one item's levels, after its first page. */
export const ITEM_MORE_LEVELS_QUERY = /* GraphQL */ `
  query SafestockItemMoreLevels($id: ID!, $after: String!, $levelsPerPage: Int!) {
    inventoryItem(id: $id) {
      id
      inventoryLevels(first: $levelsPerPage, after: $after) {
        nodes {
${LEVEL_FIELDS}
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

export const ITEM_LEVELS_QUERY = /* GraphQL */ `
  query SafestockItemLevels($ids: [ID!]!, $levelsPerPage: Int!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        ...SafestockItemLevels
      }
    }
  }
  ${ITEM_LEVELS_FRAGMENT}
`;

/**
 * Only the channel numbers of some variants (`safestock.channels` value and `compareDigest`), for
 * the reads that need nothing else: the writer's read-backs after a lost or stale answer and its
 * put-back (apply-writes.server.ts), and the cart-hold confirmation (holds.server.ts). Read by
 * variant id, where the metafield lives and where the cart-validation Function reads it. Costs 2
 * requested and actual (nodes(ids:) 1, charged once however many ids + metafield 1), against 44
 * for SafestockItemLevels with its 250-level page (17 with a page of 3); a variant deleted since
 * answers null (docs/decisions/043).
 */
export const CHANNEL_NUMBERS_QUERY = /* GraphQL */ `
  query SafestockChannelNumbers($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ProductVariant {
        id
        metafield(namespace: "${CHANNEL_METAFIELD.namespace}", key: "${CHANNEL_METAFIELD.key}") {
          id
          value
          compareDigest
        }
      }
    }
  }
`;

export const CATALOG_PAGE_QUERY = /* GraphQL */ `
  query SafestockCatalogPage($first: Int!, $after: String, $levelsPerPage: Int!) {
    inventoryItems(first: $first, after: $after) {
      nodes {
        ...SafestockItemLevels
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${ITEM_LEVELS_FRAGMENT}
`;

/** How big the catalog is, to choose paged reads or a bulk operation. */
export const CATALOG_SIZE_QUERY = /* GraphQL */ `
  query SafestockCatalogSize {
    productVariantsCount {
      count
      precision
    }
  }
`;

/**
 * `fulfillsOnlineOrders`: online orders route only to these locations ("inventory at this location
 * is available for sale online"), so only they feed online and marketplace channel pools.
 */
export const LOCATIONS_QUERY = /* GraphQL */ `
  query SafestockLocations($after: String) {
    locations(first: 100, after: $after, includeInactive: true) {
      nodes {
        id
        name
        isActive
        fulfillsOnlineOrders
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/**
 * The shop's time zone, for the pages' times
 * (https://shopify.dev/docs/api/admin-graphql/latest/objects/Shop#field-ianaTimezone).
 */
export const SHOP_TIME_ZONE_QUERY = /* GraphQL */ `
  query SafestockShopTimeZone {
    shop {
      ianaTimezone
    }
  }
`;

/** Publication.name is deprecated in 2026-10; the catalog title is the channel's name. */
export const PUBLICATIONS_QUERY = /* GraphQL */ `
  query SafestockPublications($after: String) {
    publications(first: 50, after: $after) {
      nodes {
        id
        catalog {
          title
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** The move's root field, alone (MOVE_QUANTITIES_MUTATION) or with its channel numbers (APPLY_LEVELS_MUTATION). */
const MOVE_QUANTITIES_FIELD = /* GraphQL */ `
    inventoryMoveQuantities(input: $input) @idempotent(key: $idempotencyKey) {
      inventoryAdjustmentGroup {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
`;

/**
 * Moves between `available` and `safety_stock` at one location. `changeFromQuantity` on both
 * ends is the compare-and-swap; the `@idempotent` key makes a retried request apply once
 * (https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations).
 */
export const MOVE_QUANTITIES_MUTATION = /* GraphQL */ `
  mutation SafestockMoveQuantities($input: InventoryMoveQuantitiesInput!, $idempotencyKey: String!) {
${MOVE_QUANTITIES_FIELD}  }
`;

/**
 * Channel numbers alone. The payload's objects ride on the mutation's 10 points, a nested object
 * costs one more: the `owner` the writer never read made this 11 (docs/decisions/041), so it
 * selects what SafestockApplyLevels selects.
 */
export const METAFIELDS_SET_MUTATION = /* GraphQL */ `
  mutation SafestockSetChannelAts($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
        compareDigest
      }
      userErrors {
        field
        message
        code
        elementIndex
      }
    }
  }
`;

/**
 * One sync run's safety-stock move and its channel numbers in one request (docs/decisions/039):
 * two root fields of one mutation. Shopify runs a mutation's root fields one after the other,
 * each on its own: a mutation's top level selection set is executed serially, and a field's error
 * nulls that field only (https://spec.graphql.org/October2021/#sec-Mutation,
 * #sec-Handling-Field-Errors); userErrors are data, not errors. So `metafieldsSet` runs whether
 * or not the move was applied, and the writer checks each field's userErrors on its own. Each
 * root field costs what it would alone ("Mutation: 10" plus its payload,
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): the saving is a request.
 */
export const APPLY_LEVELS_MUTATION = /* GraphQL */ `
  mutation SafestockApplyLevels($input: InventoryMoveQuantitiesInput!, $idempotencyKey: String!, $metafields: [MetafieldsSetInput!]!) {
${MOVE_QUANTITIES_FIELD}    metafieldsSet(metafields: $metafields) {
      metafields {
        id
        compareDigest
      }
      userErrors {
        field
        message
        code
        elementIndex
      }
    }
  }
`;

export const PRODUCT_PUBLICATIONS_QUERY = /* GraphQL */ `
  query SafestockProductPublications($id: ID!) {
    product(id: $id) {
      id
      resourcePublications(first: 50, onlyPublished: false) {
        nodes {
          isPublished
          publication {
            id
          }
        }
      }
    }
  }
`;

/**
 * Whether each of these products is published on one publication: for a channel with a ring fence,
 * which skips products not on the channel (docs/decisions/045). `publishedOnPublication` is a
 * scalar (0 points) and `nodes(ids:)` is charged once however many ids it names, so a request
 * costs 1 point requested and actual for up to 250 products
 * (https://shopify.dev/docs/api/usage/limits#query-cost; tests/item-read-cost.test.ts).
 */
export const PRODUCTS_ON_PUBLICATION_QUERY = /* GraphQL */ `
  query SafestockProductsOnPublication($ids: [ID!]!, $publicationId: ID!) {
    nodes(ids: $ids) {
      ... on Product {
        id
        publishedOnPublication(publicationId: $publicationId)
      }
    }
  }
`;

export const PUBLISH_MUTATION = /* GraphQL */ `
  mutation SafestockPublish($id: ID!, $input: [PublicationInput!]!) {
    publishablePublish(id: $id, input: $input) {
      userErrors {
        field
        message
      }
    }
  }
`;

export const UNPUBLISH_MUTATION = /* GraphQL */ `
  mutation SafestockUnpublish($id: ID!, $input: [PublicationInput!]!) {
    publishableUnpublish(id: $id, input: $input) {
      userErrors {
        field
        message
      }
    }
  }
`;

/**
 * The set-up state Safestock reads for the Overview's checklist and before switching protection on:
 * its cart and checkout validations (read_validations, implied by write_validations) and the shop's
 * app-owned `$app:safestock.app_url` metafield, which carries the app's URL to the checkout block.
 * A shop may hold more than 25 validations (25 is the cap on *active* ones, and other apps' count
 * too), so the connection is read page by page (`after:` the previous page's `endCursor`).
 */
export const SETUP_STATE_QUERY = /* GraphQL */ `
  query SafestockSetupState($after: String) {
    shop {
      id
      metafield(namespace: "$app:safestock", key: "app_url") {
        value
      }
    }
    validations(first: 25, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        enabled
        shopifyFunction {
          handle
          appKey
        }
      }
    }
  }
`;

/** Switches the cart-validation rule on (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/validationCreate). */
export const VALIDATION_CREATE_MUTATION = /* GraphQL */ `
  mutation SafestockValidationCreate($validation: ValidationCreateInput!) {
    validationCreate(validation: $validation) {
      validation {
        id
        enabled
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
 * Switches Safestock's existing rule back on when the merchant turned it off, rather than creating
 * a second one (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/validationUpdate).
 * ValidationUpdateInput's `enable` and `blockOnFailure` default to false: both are always sent.
 */
export const VALIDATION_UPDATE_MUTATION = /* GraphQL */ `
  mutation SafestockValidationUpdate($id: ID!, $validation: ValidationUpdateInput!) {
    validationUpdate(id: $id, validation: $validation) {
      validation {
        id
        enabled
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** Writes the app's URL into the shop's app-owned metafield the checkout block reads (appMetafields). */
export const APP_URL_SET_MUTATION = /* GraphQL */ `
  mutation SafestockSetAppUrl($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
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
 * Fixed bundles (docs/decisions/034): a bundle variant's components with their inventory items
 * ("Each bundle variant can contain up to 30 component variants",
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/productVariantRelationshipBulkUpdate),
 * and for a component, the products of the bundles it is part of (`productParents`). Asked only
 * for the variants of a run that the item read marked as a bundle or a component (`requiresComponents`,
 * `productParents`), or could not tell (a bulk line: its connections may nest two deep), so a shop
 * without bundles never sends it.
 */
export const BUNDLE_LINKS_QUERY = /* GraphQL */ `
  query SafestockBundleLinks($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ProductVariant {
        id
        requiresComponents
        productVariantComponents(first: 30) {
          nodes {
            quantity
            productVariant {
              id
              title
              sku
              inventoryItem {
                id
              }
            }
          }
        }
        productParents(first: 10) {
          nodes {
            id
          }
        }
      }
    }
  }
`;

/** The bundle variants of the parent products a component named (their inventory items are then read like any). */
export const BUNDLE_PARENT_VARIANTS_QUERY = /* GraphQL */ `
  query SafestockBundleParentVariants($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product {
        id
        variants(first: 100) {
          nodes {
            id
            requiresComponents
            inventoryItem {
              id
            }
          }
        }
      }
    }
  }
`;

/**
 * Past orders for the backtest (docs/decisions/033), oldest first by `processedAt` (when the sale
 * happened; for orders imported from another system it is the original date, which `createdAt` is
 * not: https://shopify.dev/docs/api/admin-graphql/2026-10/objects/Order#field-processedAt): each line's inventory item and
 * quantity, the order's `sourceName` (its sales channel, as orders/create webhooks give it), the
 * cancellation, and refunds whose lines say whether units went back to stock
 * (https://shopify.dev/docs/api/admin-graphql/2026-10/objects/RefundLineItem `restocked`).
 * `read_orders` covers the last 60 days (older needs `read_all_orders`,
 * https://shopify.dev/docs/api/usage/access-scopes), so the window stays within that. Pages of 50
 * with 20 lines each keep the requested cost under Shopify's 1,000-point cap per query.
 */
export const PAST_ORDERS_QUERY = /* GraphQL */ `
  query SafestockPastOrders($after: String, $query: String!) {
    orders(first: 50, after: $after, query: $query, sortKey: PROCESSED_AT) {
      nodes {
        id
        processedAt
        sourceName
        cancelledAt
        lineItems(first: 20) {
          nodes {
            id
            sku
            quantity
            variant {
              inventoryItem {
                id
              }
            }
          }
        }
        refunds(first: 5) {
          createdAt
          refundLineItems(first: 20) {
            nodes {
              quantity
              restocked
              lineItem {
                id
              }
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** How many orders the backtest window holds, for its progress bar. */
export const PAST_ORDERS_COUNT_QUERY = /* GraphQL */ `
  query SafestockPastOrdersCount($query: String!) {
    ordersCount(query: $query, limit: null) {
      count
      precision
    }
  }
`;

/**
 * Starts the merchant's workflows that begin with one of Safestock's Flow triggers
 * (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/flowTriggerReceive; the payload is
 * keyed by the trigger extension's field keys, https://shopify.dev/docs/apps/build/flow/triggers/reference).
 * `body` is deprecated: `handle` and `payload` are sent.
 */
export const FLOW_TRIGGER_RECEIVE_MUTATION = /* GraphQL */ `
  mutation SafestockFlowTriggerReceive($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors {
        field
        message
      }
    }
  }
`;

export const ALL_DOCUMENTS = {
  ITEM_LEVELS_QUERY,
  ITEM_MORE_LEVELS_QUERY,
  CHANNEL_NUMBERS_QUERY,
  CATALOG_SIZE_QUERY,
  CATALOG_PAGE_QUERY,
  LOCATIONS_QUERY,
  SHOP_TIME_ZONE_QUERY,
  PUBLICATIONS_QUERY,
  MOVE_QUANTITIES_MUTATION,
  METAFIELDS_SET_MUTATION,
  APPLY_LEVELS_MUTATION,
  PRODUCT_PUBLICATIONS_QUERY,
  PRODUCTS_ON_PUBLICATION_QUERY,
  PUBLISH_MUTATION,
  UNPUBLISH_MUTATION,
  SETUP_STATE_QUERY,
  VALIDATION_CREATE_MUTATION,
  VALIDATION_UPDATE_MUTATION,
  APP_URL_SET_MUTATION,
  BUNDLE_LINKS_QUERY,
  BUNDLE_PARENT_VARIANTS_QUERY,
  PAST_ORDERS_QUERY,
  PAST_ORDERS_COUNT_QUERY,
  FLOW_TRIGGER_RECEIVE_MUTATION,
};

