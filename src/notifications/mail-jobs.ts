import type { Config } from '../config.js';
import { defineJob, type JobBase } from '../jobs/job-definition.js';
import { DEAD_LETTERS } from '../jobs/job-engine.js';
import type { EventJob } from '../jobs/outbox.js';
import { JOB_SCHEMA } from '../shared/migrate.js';
import { PRODUCT_STOCK_LOW, type ProductStockLow } from '../catalog/stock.js';
import { PAYMENT_REFUNDED, type PaymentRefunded } from '../payments/refunds.js';
import type { Mailer } from './mailer.js';
import { markAbandonedClaims, sendOnce, type MailDraft, type MailOutcome } from './outgoing-mails.js';
import { mailForRefund, mailsForStatusChange } from './order-mails.js';
import { mailForDeadLetter, mailForDisabledWebhook, mailForLowStock } from './staff-mails.js';
import { ORDER_STATUS_CHANGED, type OrderStatusChanged } from '../orders/state-machine.js';
import { WEBHOOK_ENDPOINT_DISABLED, type WebhookEndpointDisabled } from '../webhooks/events.js';

export type MailJobDeps = JobBase & { mailer: Mailer; config: Config };

// Longer than the mailer's own timeouts (mailer.ts), so a try that pg-boss presumes dead has
// surely given up on the SMTP server: its claim is then abandoned for good.
/** Mail jobs one process runs at once: as many as the mailer's pooled SMTP connections (mailer.ts). */
export const MAIL_WORKERS = 5;

const MAIL_QUEUE = { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 };

async function sendAll(deps: MailJobDeps, drafts: (MailDraft | null)[]): Promise<{ mails: MailOutcome[] }> {
  const mails: MailOutcome[] = [];
  for (const draft of drafts) if (draft) mails.push(await sendOnce(deps, draft));
  return { mails };
}

/** Each mail job builds its mails from the event and sends each at most once (outgoing-mails.ts). */
const mailJob = <T extends object>(name: string, topic: string, build: (deps: MailJobDeps, data: EventJob<T>) => Promise<(MailDraft | null)[]>) =>
  defineJob<EventJob<T>, MailJobDeps>({
    name,
    subscribesTo: [topic],
    queue: MAIL_QUEUE,
    concurrency: MAIL_WORKERS,
    handler: (deps) => async (data) => sendAll(deps, await build(deps, data)),
  });

export const mailJobs = [
  mailJob<OrderStatusChanged>('mail-order-status', ORDER_STATUS_CHANGED, ({ pool, config }, event) =>
    mailsForStatusChange(pool, event, { storefrontOrderUrl: config.STOREFRONT_ORDER_URL }),
  ),
  mailJob<PaymentRefunded>('mail-refund', PAYMENT_REFUNDED, async ({ pool }, event) => [await mailForRefund(pool, event)]),
  mailJob<ProductStockLow>('mail-low-stock', PRODUCT_STOCK_LOW, async ({ pool }, event) => [await mailForLowStock(pool, event)]),
  mailJob<WebhookEndpointDisabled>('mail-webhook-disabled', WEBHOOK_ENDPOINT_DISABLED, async ({ pool }, event) => [await mailForDisabledWebhook(pool, event)]),
  // pg-boss moves a job whose retries are spent here, with its data; its last error is the job's output
  defineJob<object, MailJobDeps>({
    name: DEAD_LETTERS,
    queue: { ...MAIL_QUEUE, retryLimit: 2 },
    handler: (deps) => async (data, job) => {
      const { rows } = await deps.pool.query<{ output: unknown }>(`SELECT output FROM ${JOB_SCHEMA}.job WHERE id = $1`, [job.id]);
      return sendAll(deps, [await mailForDeadLetter(deps.pool, { id: job.id, data, output: rows[0]?.output })]);
    },
  }),
  defineJob<object, MailJobDeps>({
    name: 'mails-abandoned-claims',
    cron: '* * * * *',
    queue: { retryLimit: 0 },
    handler:
      ({ pool }) =>
      async () => ({ abandonedMails: await markAbandonedClaims(pool, MAIL_QUEUE.expireInSeconds) }),
  }),
];
