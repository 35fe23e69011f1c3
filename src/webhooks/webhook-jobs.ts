import type { Config } from '../config.js';
import { defineJob, type JobBase } from '../jobs/job-definition.js';
import type { EventJob } from '../jobs/outbox.js';
import { PRODUCT_STOCK_LOW, type ProductStockLow } from '../catalog/stock.js';
import { deliver, forgetOldDeliveries, type DeliverySettings } from './delivery.js';
import { DELIVER_QUEUE, fanOut, orderEvent, stockLowEvent, type DeliverJob } from './fan-out.js';
import { ORDER_STATUS_CHANGED, type OrderStatusChanged } from '../orders/state-machine.js';
import { urlPolicyOf } from './url-policy.js';

type Deps = JobBase & { config: Config };

const settingsOf = (config: Config): DeliverySettings => ({
  policy: urlPolicyOf(config),
  timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  retryDelaySeconds: config.WEBHOOK_RETRY_DELAY_SECONDS,
  giveUpAfterHours: config.WEBHOOK_DISABLE_AFTER_HOURS,
});

/**
 * The webhooks domain's queues: outbox events become deliveries (one queue per topic, as the
 * relay hands a job its payload, not its topic), and each delivery attempt is a job. A failed
 * attempt is logged and schedules the next one itself (delivery.ts), so pg-boss's own retries
 * only cover a handler that broke (the database away), with the queue defaults.
 */
export const webhookJobs = [
  defineJob<EventJob<OrderStatusChanged>, Deps>({
    name: 'webhooks-order-events',
    subscribesTo: [ORDER_STATUS_CHANGED],
    handler:
      ({ pool, boss }) =>
      async (data) => {
        const event = orderEvent(pool, data);
        return { deliveries: event ? await fanOut(pool, boss, event) : 0 };
      },
  }),
  defineJob<EventJob<ProductStockLow>, Deps>({
    name: 'webhooks-stock-events',
    subscribesTo: [PRODUCT_STOCK_LOW],
    handler:
      ({ pool, boss }) =>
      async (data) => ({ deliveries: await fanOut(pool, boss, stockLowEvent(pool, data)) }),
  }),
  defineJob<DeliverJob, Deps>({
    name: DELIVER_QUEUE,
    // one slow endpoint (up to WEBHOOK_TIMEOUT_MS an attempt) does not hold up the others
    concurrency: 4,
    handler: ({ pool, boss, config }) => {
      const settings = settingsOf(config);
      return async (data) => (await deliver(pool, boss, settings, data)) ?? { skipped: true };
    },
  }),
  defineJob<object, Deps>({
    name: 'webhooks-log-purge',
    cron: '17 3 * * *',
    queue: { retryLimit: 0 }, // tomorrow's run is the retry
    handler:
      ({ pool, config }) =>
      async () => ({ forgottenDeliveries: await forgetOldDeliveries(pool, config.WEBHOOK_LOG_RETENTION_DAYS) }),
  }),
];
