import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { onConnection } from '../jobs/connection.js';
import { inTransaction } from '../shared/db.js';
import { readOrder } from '../orders/order-views.js';
import { OUTBOUND_EVENT_ON } from '../orders/statuses.js';
import type { OrderStatusChanged } from '../orders/state-machine.js';
import type { EventJob } from '../jobs/outbox.js';
import { PRODUCT_STOCK_LOW, type ProductStockLow } from '../catalog/stock.js';
import { fullTitle, variantTitleSql } from '../catalog/variant-title.js';
import { eventIdOf, PAYLOAD_VERSION, type WebhookEventType, type WebhookPayload } from './events.js';

/** The queue of one attempt at one delivery: `{ deliveryId, attempt }`. */
export const DELIVER_QUEUE = 'webhooks-deliver';
export type DeliverJob = { deliveryId: string; attempt: number };

type Event = { id: string; type: WebhookEventType; data: () => Promise<object> };

/**
 * One delivery (and its first attempt's job) for each enabled endpoint subscribed to the
 * event, in one transaction. A repeated fan-out of the same event (pg-boss runs a job at least
 * once, two workers may run it at once) adds nothing: a delivery is unique by endpoint and event.
 */
export async function fanOut(pool: pg.Pool, boss: PgBoss, event: Event): Promise<number> {
  const { rowCount } = await pool.query(`SELECT 1 FROM webhook_endpoints WHERE enabled AND $1 = ANY(events) LIMIT 1`, [event.type]);
  if (!rowCount) return 0;
  const payload: WebhookPayload = { id: event.id, type: event.type, version: PAYLOAD_VERSION, createdAt: new Date().toISOString(), data: await event.data() };
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, body)
       SELECT id, $1, $2, $3 FROM webhook_endpoints WHERE enabled AND $2 = ANY(events)
       ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id`,
      [event.id, event.type, JSON.stringify(payload)],
    );
    const jobs = rows.map(({ id }) => ({ name: DELIVER_QUEUE, data: { deliveryId: id, attempt: 1 } satisfies DeliverJob }));
    if (jobs.length) await boss.insert(jobs, { db: onConnection(tx) });
    return rows.length;
  });
}

/** An order's status change as its outbound event, if the status has one: the order as it stands now (the staff view), and the change. */
export function orderEvent(pool: pg.Pool, { orderId, from, to, eventId }: EventJob<OrderStatusChanged>): Event | undefined {
  const type = OUTBOUND_EVENT_ON[to];
  if (!type) return undefined;
  return { id: eventIdOf(eventId), type, data: async () => ({ from, to, order: await readOrder(pool, orderId, { audience: 'staff' }) }) };
}

/** Low stock as its outbound event: the event's figures, with the variant's SKU and title as they are now. */
export function stockLowEvent(pool: pg.Pool, { variantId, productId, stock, threshold, eventId }: ProductStockLow & { eventId: number }): Event {
  return {
    id: eventIdOf(eventId),
    type: PRODUCT_STOCK_LOW,
    data: async () => {
      const { rows } = await pool.query<{ sku: string; productTitle: string; variantTitle: string | null }>(
        `SELECT v.sku, p.title AS "productTitle", ${variantTitleSql('v')} AS "variantTitle"
           FROM product_variants v JOIN products p ON p.id = v.product_id WHERE v.id = $1`,
        [variantId],
      );
      const variant = rows[0];
      return {
        variantId,
        productId,
        stock,
        threshold,
        sku: variant?.sku ?? null,
        title: variant ? fullTitle(variant.productTitle, variant.variantTitle) : null,
      };
    },
  };
}
