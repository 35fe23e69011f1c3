import type { Config } from '../config.js';
import { defineJob, type JobBase } from '../jobs/job-definition.js';
import { deleteExpiredGuestCarts } from './guest-carts.js';

/** The cart domain's scheduled work. */
export const cartJobs = [
  defineJob<object, JobBase & { config: Config }>({
    name: 'guest-carts-expire',
    cron: '17 * * * *',
    queue: { retryLimit: 0 }, // the next hour's run is the retry
    handler:
      ({ pool, config }) =>
      async () => ({ expiredGuestCarts: await deleteExpiredGuestCarts(pool, config.GUEST_CART_TTL_DAYS) }),
  }),
];
