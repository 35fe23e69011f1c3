import { randomBytes } from 'node:crypto';
import type { Queryable } from '../shared/db.js';
import { Unprocessable } from '../shared/errors.js';
import { isWebhookEvent, WEBHOOK_EVENTS, type WebhookEventType } from './events.js';
import type { NewEndpoint } from './schemas.js';
import { checkEndpointUrl, type UrlPolicy } from './url-policy.js';

export type WebhookEndpoint = {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  failingSince: string | null;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
};
/** Only the answer to registering carries the secret: it is never shown again. */
export type RegisteredEndpoint = WebhookEndpoint & { secret: string };

const COLUMNS = `id, url, events, enabled, failing_since AS "failingSince", disabled_at AS "disabledAt",
  disabled_reason AS "disabledReason", created_at AS "createdAt"`;

type Row = Omit<WebhookEndpoint, 'failingSince' | 'disabledAt' | 'createdAt'> & { failingSince: Date | null; disabledAt: Date | null; createdAt: Date };
const toEndpoint = ({ failingSince, disabledAt, createdAt, ...rest }: Row): WebhookEndpoint => ({
  ...rest,
  failingSince: failingSince?.toISOString() ?? null,
  disabledAt: disabledAt?.toISOString() ?? null,
  createdAt: createdAt.toISOString(),
});

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64 (the spec asks for 24 to 64). */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** Registers an endpoint for the shop's other systems: its URL and events checked, its signing secret made. */
export async function registerEndpoint(db: Queryable, policy: UrlPolicy, input: NewEndpoint): Promise<RegisteredEndpoint> {
  const events = checkEvents(input.events);
  const url = await checkEndpointUrl(input.url, policy);
  const secret = newSecret();
  const { rows } = await db.query<Row>(`INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`, [
    url.href,
    events,
    secret,
  ]);
  return { ...toEndpoint(rows[0]), secret };
}

function checkEvents(events: string[]): WebhookEventType[] {
  const unknown = events.filter((e) => !isWebhookEvent(e));
  if (unknown.length)
    throw new Unprocessable('WEBHOOK_EVENT_UNKNOWN', `Unknown event(s): ${unknown.join(', ')}; known: ${WEBHOOK_EVENTS.join(', ')}`, { unknown });
  return [...new Set(events as WebhookEventType[])];
}

export async function listEndpoints(db: Queryable): Promise<WebhookEndpoint[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM webhook_endpoints ORDER BY created_at DESC, id`);
  return rows.map(toEndpoint);
}

/** Removes an endpoint with its deliveries and their log; its queued attempts find nothing and end. */
export async function removeEndpoint(db: Queryable, id: string): Promise<void> {
  await db.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [id]);
}

/**
 * Staff switch an endpoint off, or back on: switched on, its failing streak starts afresh (the
 * deliveries the shop gave up stay given up; the next events go out).
 */
export async function setEndpointEnabled(db: Queryable, id: string, enabled: boolean): Promise<void> {
  await db.query(
    `UPDATE webhook_endpoints
        SET enabled = $2, failing_since = NULL, updated_at = now(),
            disabled_at = CASE WHEN $2 THEN NULL ELSE now() END, disabled_reason = CASE WHEN $2 THEN NULL ELSE 'Disabled by staff' END
      WHERE id = $1 AND enabled <> $2`,
    [id, enabled],
  );
}

/** The signing secret, for the one answer that shows it: the panel's, right after it registered the endpoint. */
export async function secretOf(db: Queryable, id: string): Promise<string | undefined> {
  const { rows } = await db.query<{ secret: string }>(`SELECT secret FROM webhook_endpoints WHERE id = $1`, [id]);
  return rows[0]?.secret;
}
