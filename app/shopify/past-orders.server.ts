import type { AdminClient } from "./admin-client.server";
import type {
  SafestockPastOrdersCountQuery,
  SafestockPastOrdersCountQueryVariables,
  SafestockPastOrdersQuery,
  SafestockPastOrdersQueryVariables,
} from "./admin-types.generated";
import { PAST_ORDERS_COUNT_QUERY, PAST_ORDERS_QUERY } from "./documents";

/** One past order as the backtest needs it (docs/decisions/033). */
export interface PastOrder {
  id: string;
  /** When the sale happened (Order.processedAt). */
  processedAt: Date;
  /** Order `sourceName` ("web", "pos", a marketplace's handle); null when Shopify has none. */
  sourceName: string | null;
  cancelledAt: Date | null;
  /** Lines of tracked variants (a line without a variant moves no stock). */
  lines: { lineItemId: string; inventoryItemId: string; sku: string; quantity: number }[];
  /** Units put back to stock per line item, from the order's refunds (a cancellation with restock included). */
  restocked: Map<string, number>;
}

/** Orders processed at or after `since`, in Shopify's search syntax (https://shopify.dev/docs/api/usage/search-syntax). */
function windowQuery(since: Date): string {
  return `processed_at:>='${since.toISOString()}'`;
}

export async function countPastOrders(client: AdminClient, since: Date): Promise<number> {
  const { data } = await client.request<SafestockPastOrdersCountQuery>("SafestockPastOrdersCount", PAST_ORDERS_COUNT_QUERY, {
    query: windowQuery(since),
  } satisfies SafestockPastOrdersCountQueryVariables);
  return data.ordersCount?.count ?? 0;
}

/** Pages through the window's orders, oldest first, handing each page to `onPage` (progress). */
export async function readPastOrders(client: AdminClient, since: Date, onPage: (read: number) => Promise<void>): Promise<PastOrder[]> {
  const orders: PastOrder[] = [];
  let after: string | null = null;
  do {
    const { data }: { data: SafestockPastOrdersQuery } = await client.request<SafestockPastOrdersQuery>("SafestockPastOrders", PAST_ORDERS_QUERY, {
      after,
      query: windowQuery(since),
    } satisfies SafestockPastOrdersQueryVariables);
    for (const node of data.orders.nodes) orders.push(pastOrderOf(node));
    await onPage(orders.length);
    after = data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null;
  } while (after);
  return orders;
}

function pastOrderOf(node: SafestockPastOrdersQuery["orders"]["nodes"][number]): PastOrder {
  const restocked = new Map<string, number>();
  for (const refund of node.refunds) {
    for (const line of refund.refundLineItems.nodes) {
      if (line.restocked) restocked.set(line.lineItem.id, (restocked.get(line.lineItem.id) ?? 0) + line.quantity);
    }
  }
  const lines: PastOrder["lines"] = [];
  for (const line of node.lineItems.nodes) {
    const item = line.variant?.inventoryItem.id;
    if (item && line.quantity > 0) lines.push({ lineItemId: line.id, inventoryItemId: item, sku: line.sku ?? "", quantity: line.quantity });
  }
  return {
    id: node.id,
    processedAt: new Date(node.processedAt),
    sourceName: node.sourceName,
    cancelledAt: node.cancelledAt ? new Date(node.cancelledAt) : null,
    lines,
    restocked,
  };
}
