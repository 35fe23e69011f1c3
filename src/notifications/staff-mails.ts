import type { Queryable } from '../shared/db.js';
import { fullTitle, variantTitleSql } from '../catalog/variant-title.js';
import type { ProductStockLow } from '../catalog/stock.js';
import type { EventJob } from '../jobs/outbox.js';
import type { WebhookEndpointDisabled } from '../webhooks/events.js';
import { readShopProfile } from './shop-profile.js';
import { renderMail } from './render.js';
import type { StaffMailKind } from './templates.js';
import type { MailDraft } from './outgoing-mails.js';

/** A mail to the staff recipients (shop-profile.ts), or null when the shop has none. */
async function staffMail(db: Queryable, kind: StaffMailKind, dedupeKey: string, context: Record<string, unknown>): Promise<MailDraft | null> {
  const shop = await readShopProfile(db);
  if (!shop.staffRecipients.length) return null;
  return { dedupeKey, kind, to: shop.staffRecipients, ...renderMail(kind, { shop, ...context }) };
}

/** Once per crossing of the threshold (the event's id): stock that refills and falls again is mailed again. */
export async function mailForLowStock(db: Queryable, event: EventJob<ProductStockLow>): Promise<MailDraft | null> {
  const { rows } = await db.query<{ productTitle: string; variantTitle: string | null; sku: string }>(
    `SELECT p.title AS "productTitle", ${variantTitleSql('v')} AS "variantTitle", v.sku
       FROM product_variants v JOIN products p ON p.id = v.product_id WHERE v.id = $1`,
    [event.variantId],
  );
  const variant = rows[0];
  if (!variant) return null; // deleted since
  return staffMail(db, 'low_stock', `variant:${event.variantId}:low:${event.eventId}`, {
    variant: { title: fullTitle(variant.productTitle, variant.variantTitle), sku: variant.sku },
    stock: event.stock,
    threshold: event.threshold,
  });
}

/** A job that used up its retries: pg-boss moves its data and last output to the dead letters' queue. */
export function mailForDeadLetter(db: Queryable, job: { id: string; data: unknown; output?: unknown }): Promise<MailDraft | null> {
  const output = job.output as { message?: unknown } | null | undefined;
  return staffMail(db, 'dead_letter', `job:${job.id}:dead`, {
    job: {
      id: job.id,
      error: typeof output?.message === 'string' ? output.message : 'not recorded',
      data: JSON.stringify(job.data, null, 2),
    },
  });
}

export function mailForDisabledWebhook(db: Queryable, event: EventJob<WebhookEndpointDisabled>): Promise<MailDraft | null> {
  return staffMail(db, 'webhook_disabled', `webhook_endpoint:${event.endpointId}:disabled:${event.eventId}`, { endpoint: event });
}
