import type pg from 'pg';
import { inTransaction } from '../shared/db.js';
import { forgetOldIdempotencyKeys } from './idempotency.js';
import { transition } from './state-machine.js';
import { purgeRateLimitHits } from '../shared/rate-limit.js';

/**
 * Expires every unpaid order past its expiry time and puts its stock back; returns how many.
 * Each batch claims its orders with SKIP LOCKED, so several instances (or a customer cancelling
 * at that moment) never wait on each other nor act twice on one order.
 */
export async function expireOverdueOrders(pool: pg.Pool, { batchSize = 100 }: { batchSize?: number } = {}): Promise<number> {
  let expired = 0;
  for (;;) {
    const done = await inTransaction(pool, async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `SELECT id FROM orders WHERE status = 'AWAITING_PAYMENT' AND expires_at <= now()
          ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      const ids = rows.map((r) => r.id);
      // The whole batch's variants, locked at once in id order like every other stock writer:
      // restoring order by order would lock them out of order and could deadlock with a checkout.
      await tx.query(
        `SELECT id FROM product_variants WHERE id IN (SELECT variant_id FROM order_items WHERE order_id = ANY($1::uuid[])) ORDER BY id FOR NO KEY UPDATE`,
        [ids],
      );
      for (const id of ids) {
        await transition(tx, id, 'EXPIRED', { actor: 'system:expiry', reason: 'not paid in time', onlyFrom: ['AWAITING_PAYMENT'] });
      }
      return ids.length;
    });
    expired += done;
    if (done < batchSize) return expired;
  }
}

/** One pass of every cleanup (`npm run orders:expire`; the workers run each on its own schedule, src/orders/order-jobs.ts). */
export async function runExpiryPass(pool: pg.Pool, options: { batchSize?: number; idempotencyTtlHours: number }) {
  const expiredOrders = await expireOverdueOrders(pool, { batchSize: options.batchSize });
  const forgottenKeys = await forgetOldIdempotencyKeys(pool, options.idempotencyTtlHours);
  const purgedRateLimits = await purgeRateLimitHits(pool);
  return { expiredOrders, forgottenKeys, purgedRateLimits };
}
