// The composition of every domain's background jobs, and everything their handlers need.
import type { Config } from './config.js';
import type { JobBase, JobDefinition } from './jobs/job-definition.js';
import { defineJob } from './jobs/job-definition.js';
import { cartJobs } from './cart/cart-jobs.js';
import { catalogJobs } from './catalog/import-jobs.js';
import { orderJobs } from './orders/order-jobs.js';
import { paymentJobs } from './payments/payment-jobs.js';
import { mailJobs } from './notifications/mail-jobs.js';
import type { Mailer } from './notifications/mailer.js';
import type { Providers } from './payments/providers/registry.js';
import { purgeRateLimitHits } from './shared/rate-limit.js';
import { webhookJobs } from './webhooks/webhook-jobs.js';

/** What the handlers of all domains need, built once where the process is composed (main.ts). */
export type AppJobDeps = JobBase & { config: Config; providers: Providers; mailer: Mailer };

/** Every queue the workers serve. */
export const JOB_DEFINITIONS: readonly JobDefinition<object, AppJobDeps>[] = [
  ...orderJobs,
  ...paymentJobs,
  ...webhookJobs,
  ...mailJobs,
  ...cartJobs,
  ...catalogJobs,
  defineJob({
    name: 'rate-limits-purge',
    cron: '*/5 * * * *',
    queue: { retryLimit: 0 },
    handler:
      ({ pool }) =>
      async () => ({ purgedRateLimits: await purgeRateLimitHits(pool) }),
  }),
];
