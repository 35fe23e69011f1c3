import { processGatewayEvent } from './pipeline.js';
import { PAYMENT_COLUMNS, type PaymentRow } from './payment-row.js';
import { providerCode, providerId } from './providers/provider.js';
import type { PaymentDeps } from './refunds.js';

const BATCH = 50;

/**
 * Looks up at their gateways the payment attempts still PENDING `afterSeconds` after they started
 * (their webhook may be late, or never come), and applies what each gateway says through the
 * webhook pipeline. Each due payment is claimed by one worker (SKIP LOCKED, marked looked up in
 * the same statement); one whose lookup fails is looked up again `afterSeconds` later.
 */
export async function reconcilePendingPayments(deps: PaymentDeps, afterSeconds: number): Promise<{ lookedUp: number; settled: number; failed: number }> {
  const { rows } = await deps.pool.query<PaymentRow>(
    `UPDATE payments p SET reconciled_at = now()
      WHERE id IN (SELECT id FROM payments
                    WHERE status = 'PENDING' AND provider = ANY($1::text[]::"PaymentProvider"[])
                      AND created_at <= now() - make_interval(secs => $2)
                      AND (reconciled_at IS NULL OR reconciled_at <= now() - make_interval(secs => $2))
                    ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING ${PAYMENT_COLUMNS}`,
    [deps.providers.enabled.map((p) => providerCode(p.id)), afterSeconds, BATCH],
  );
  let settled = 0;
  let failed = 0;
  for (const payment of rows) {
    try {
      const event = await deps.providers.get(providerId(payment.provider)).lookupPayment(payment);
      if (event) settled += (await processGatewayEvent(deps, event)).outcome === 'duplicate' ? 0 : 1;
    } catch (err) {
      failed++;
      deps.logger.warn({ paymentId: payment.id, reason: err instanceof Error ? err.message : 'unknown' }, 'payment lookup failed; looked up again later');
    }
  }
  return { lookedUp: rows.length, settled, failed };
}
