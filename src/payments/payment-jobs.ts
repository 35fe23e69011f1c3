import type { Config } from '../config.js';
import { defineJob, type JobBase } from '../jobs/job-definition.js';
import type { EventJob } from '../jobs/outbox.js';
import type { Providers } from './providers/registry.js';
import { reconcilePendingPayments } from './reconcile.js';
import { attemptRefund, REFUND_CLAIMED, type RefundClaim } from './refunds.js';

/** The queue of claimed refunds: one job per claim, retried with backoff, then dead-lettered for staff. */
export const REFUND_QUEUE = 'payments-refund';
/** Every minute: pending payments looked up at their gateways. */
export const RECONCILE_QUEUE = 'payments-reconcile';

type PaymentJobDeps = JobBase & { config: Config; providers: Providers };

export const paymentJobs = [
  defineJob<EventJob<RefundClaim>, PaymentJobDeps>({
    name: REFUND_QUEUE,
    subscribesTo: [REFUND_CLAIMED],
    queue: ({ config }) => ({
      retryLimit: config.REFUND_RETRY_LIMIT,
      retryDelay: config.REFUND_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      expireInSeconds: 300,
    }),
    // a retry (pg-boss's own, or staff's of the failed job) is one more attempt: asks the gateway first
    handler: (deps) => async (claim) => {
      const { payment, refund } = await attemptRefund(deps, claim);
      return { paymentId: payment.id, status: payment.status, refundId: refund.id, refundRef: refund.providerRefundId };
    },
  }),
  defineJob<object, PaymentJobDeps>({
    name: RECONCILE_QUEUE,
    cron: '* * * * *',
    queue: { retryLimit: 0 }, // the next minute's run is the retry
    handler: (deps) => async () => {
      const result = await reconcilePendingPayments(deps, deps.config.PAYMENT_RECONCILE_AFTER_SECONDS);
      if (result.lookedUp) deps.logger.info(result, 'pending payments looked up at their gateways');
      return result;
    },
  }),
];
