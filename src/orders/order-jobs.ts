import type { Config } from '../config.js';
import { defineJob, type JobBase } from '../jobs/job-definition.js';
import { expireOverdueOrders } from './expiry-job.js';
import { forgetOldIdempotencyKeys } from './idempotency.js';

/** The orders domain's scheduled work: each runs once per slot across all instances. */
export const orderJobs = [
  defineJob({
    name: 'orders-expire',
    cron: '* * * * *',
    queue: { retryLimit: 0 }, // the next minute's run is the retry
    handler:
      ({ pool, logger }) =>
      async () => {
        const expiredOrders = await expireOverdueOrders(pool);
        if (expiredOrders) logger.info({ expiredOrders }, 'overdue orders expired');
        return { expiredOrders };
      },
  }),
  defineJob<object, JobBase & { config: Config }>({
    name: 'idempotency-keys-purge',
    cron: '7 * * * *',
    queue: { retryLimit: 0 },
    handler:
      ({ pool, config }) =>
      async () => ({ forgottenKeys: await forgetOldIdempotencyKeys(pool, config.IDEMPOTENCY_TTL_HOURS) }),
  }),
];
