// Mail stories: what the mails table holds, and paying an order through the mock gateway as a buyer's browser would.
import type pg from 'pg';
import type { TestApp } from './test-app.js';
import { mockGatewayForms } from '../../src/payments/mock-gateway-page.js';

export type MailRow = { dedupeKey: string; kind: string; recipients: string; status: string; delivery: string; attempts: number; subject: string };

/** The mails table's rows whose dedupe key starts with `prefix`, oldest first. */
export async function mailRows(pool: pg.Pool, prefix: string): Promise<MailRow[]> {
  const { rows } = await pool.query<MailRow>(
    `SELECT dedupe_key AS "dedupeKey", kind, recipients, status, delivery, attempts, subject FROM mails WHERE dedupe_key LIKE $1 || '%' ORDER BY created_at, dedupe_key`,
    [prefix],
  );
  return rows;
}

/** Waits until `count` rows with that key prefix are in a final state (not SENDING). */
export async function mailsSettled(pool: pg.Pool, prefix: string, count: number, timeoutMs = 20_000): Promise<MailRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await mailRows(pool, prefix);
    if (rows.length >= count && rows.every((r) => r.status !== 'SENDING')) return rows;
    if (Date.now() > deadline) throw new Error(`mails for ${prefix}: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens a mock payment for the order as its buyer and clicks Pay on the gateway's page. */
export async function payWithMock(shop: TestApp, orderId: string, buyerAuth: string): Promise<string> {
  const started = await shop.request.post(`/api/orders/${orderId}/payments`).set('Authorization', buyerAuth).send({ provider: 'mock' }).expect(201);
  const page = await shop.request.get(`/mock-gateway/${started.body.id}`).set('Accept', 'text/html').set('Sec-Fetch-Dest', 'document').expect(200);
  const pay = mockGatewayForms(page.text).find((f) => f.button === 'Pay')!;
  await shop.request.post(pay.action).type('form').send(pay.fields).expect(303);
  return started.body.id;
}

export const setStoreMailSettings = (pool: pg.Pool, settings: { storeName?: string; staffEmail?: string | null; lowStockThreshold?: number }) =>
  pool.query(
    `UPDATE store_settings SET store_name = coalesce($1, store_name), staff_email = CASE WHEN $2 THEN $3 ELSE staff_email END,
            low_stock_threshold = coalesce($4, low_stock_threshold), updated_at = now()`,
    [settings.storeName ?? null, 'staffEmail' in settings, settings.staffEmail ?? null, settings.lowStockThreshold ?? null],
  );
