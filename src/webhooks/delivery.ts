import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { onConnection } from '../jobs/connection.js';
import { recordEvent } from '../jobs/outbox.js';
import { inTransaction, type Tx } from '../shared/db.js';
import { AppError } from '../shared/errors.js';
import { DELIVER_QUEUE, type DeliverJob } from './fan-out.js';
import { WEBHOOK_ENDPOINT_DISABLED, type WebhookEndpointDisabled } from './events.js';
import { sendSigned, type AttemptResult } from './sender.js';
import { checkEndpointUrl, type UrlPolicy } from './url-policy.js';

export type DeliverySettings = {
  policy: UrlPolicy;
  timeoutMs: number;
  /** the first retry's delay; each further one doubles, up to MAX_RETRY_DELAY_SECONDS */
  retryDelaySeconds: number;
  /** an endpoint failing this long (no success in between) is disabled; a delivery this old is given up */
  giveUpAfterHours: number;
};

// Past a few doublings the delay stops growing, so an endpoint that comes back is tried
// again within the hour, and a day of failures is some 30 attempts, not a handful.
const MAX_RETRY_DELAY_SECONDS = 3600;
export const retryDelay = (base: number, attempt: number) => Math.min(base * 2 ** (attempt - 1), MAX_RETRY_DELAY_SECONDS);

type Due = { endpointId: string; url: string; secret: string; enabled: boolean; eventId: string; body: string; status: string; attempts: number };

/**
 * Makes attempt `attempt` at a delivery and logs it; a failure schedules the next attempt, or
 * gives up: the endpoint is disabled (staff are told through the outbox) once it has failed
 * for `giveUpAfterHours`. A job of an attempt already made (pg-boss runs a job at least once)
 * changes nothing.
 */
export async function deliver(
  pool: pg.Pool,
  boss: PgBoss,
  settings: DeliverySettings,
  { deliveryId, attempt }: DeliverJob,
): Promise<AttemptResult | undefined> {
  const { rows } = await pool.query<Due>(
    `SELECT d.endpoint_id AS "endpointId", e.url, e.secret, e.enabled, d.event_id AS "eventId", d.body, d.status, d.attempts
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`,
    [deliveryId],
  );
  const due = rows[0];
  if (!due || due.status !== 'pending' || due.attempts >= attempt) return undefined; // removed, finished, or this attempt made
  if (!due.enabled) {
    await pool.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL WHERE id = $1 AND status = 'pending'`, [deliveryId]);
    return undefined;
  }
  const result = await attemptOnce(due, settings);
  await inTransaction(pool, (tx) => recordAttempt(tx, boss, settings, deliveryId, attempt, due, result));
  return result;
}

async function attemptOnce(due: Due, { policy, timeoutMs }: DeliverySettings): Promise<AttemptResult> {
  try {
    // again at every delivery: the name may resolve elsewhere now
    await checkEndpointUrl(due.url, policy);
  } catch (err) {
    if (err instanceof AppError) return { statusCode: null, durationMs: 0, error: `refused: ${err.detail ?? err.title}` };
    throw err;
  }
  return sendSigned(due.url, due.secret, due.eventId, due.body, { timeoutMs, blockPrivate: policy.blockPrivate });
}

async function recordAttempt(tx: Tx, boss: PgBoss, settings: DeliverySettings, deliveryId: string, attempt: number, due: Due, result: AttemptResult) {
  const logged = await tx.query(
    `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, error) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (delivery_id, attempt) DO NOTHING`,
    [deliveryId, attempt, result.statusCode, result.durationMs, result.error],
  );
  if (!logged.rowCount) return; // a twin run of this attempt logged it first
  if (result.error === null) {
    await tx.query(`UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, delivered_at = now(), next_attempt_at = NULL WHERE id = $1`, [
      deliveryId,
      attempt,
    ]);
    await tx.query(`UPDATE webhook_endpoints SET failing_since = NULL, updated_at = now() WHERE id = $1 AND failing_since IS NOT NULL`, [due.endpointId]);
    return;
  }
  await tx.query(`UPDATE webhook_deliveries SET attempts = $2 WHERE id = $1`, [deliveryId, attempt]);
  const { rows } = await tx.query<{ failingTooLong: boolean; deliveryTooOld: boolean }>(
    `WITH failing AS (
       UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, now()), updated_at = now() WHERE id = $1 RETURNING failing_since
     )
     SELECT (SELECT failing_since FROM failing) <= now() - make_interval(secs => $3 * 3600) AS "failingTooLong",
            created_at <= now() - make_interval(secs => $3 * 3600) AS "deliveryTooOld"
       FROM webhook_deliveries WHERE id = $2`,
    [due.endpointId, deliveryId, settings.giveUpAfterHours],
  );
  const { failingTooLong, deliveryTooOld } = rows[0];
  if (failingTooLong) return disableEndpoint(tx, due, settings.giveUpAfterHours);
  if (deliveryTooOld) {
    await tx.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL WHERE id = $1`, [deliveryId]);
    return;
  }
  const delay = retryDelay(settings.retryDelaySeconds, attempt);
  await tx.query(`UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $2) WHERE id = $1`, [deliveryId, delay]);
  await boss.send(DELIVER_QUEUE, { deliveryId, attempt: attempt + 1 } satisfies DeliverJob, { startAfter: delay, db: onConnection(tx) });
}

/** Stops sending to an endpoint that kept failing, gives up its pending deliveries, and tells staff (outbox). */
async function disableEndpoint(tx: Tx, due: Due, hours: number) {
  const reason = `Every delivery failed for ${hours} hour(s)`;
  const { rowCount } = await tx.query(
    `UPDATE webhook_endpoints SET enabled = false, disabled_at = now(), disabled_reason = $2, updated_at = now() WHERE id = $1 AND enabled`,
    [due.endpointId, reason],
  );
  await tx.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL WHERE endpoint_id = $1 AND status = 'pending'`, [due.endpointId]);
  if (rowCount) await recordEvent(tx, WEBHOOK_ENDPOINT_DISABLED, { endpointId: due.endpointId, url: due.url, reason } satisfies WebhookEndpointDisabled);
}

/** Forgets finished deliveries (delivered or given up), with their attempts, older than `days`; pending ones stay. */
export async function forgetOldDeliveries(pool: pg.Pool, days: number): Promise<number> {
  const { rowCount } = await pool.query(`DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - make_interval(days => $1)`, [days]);
  return rowCount ?? 0;
}
