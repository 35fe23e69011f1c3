// The panel's Webhooks group: staff register endpoints (the same checks as the REST route, the
// secret shown once), switch them off and on, and read every delivery and attempt.
import { Webhook } from 'standardwebhooks';
import { adminApi, panelPerFile } from '../helpers/admin-fixtures.js';
import { addEndpoint } from './receiver.js';

const panel = panelPerFile();
const pool = () => panel.shop.db.pool;
const endpoints = async () => (await pool().query(`SELECT id, url, events, enabled, secret FROM webhook_endpoints ORDER BY created_at`)).rows;

beforeEach(() => pool().query(`DELETE FROM webhook_endpoints`));

describe('Webhook endpoints', () => {
  test('when staff register an endpoint, then it is stored and the notice shows its secret, which no page shows again', async () => {
    const res = await panel.staff
      .post(adminApi.resourceAction('WebhookEndpoint', 'new'))
      .type('form')
      .send({ url: 'https://erp.example.com/hooks', events: 'order.paid, product.stock_low' })
      .expect(200);

    const [stored] = await endpoints();
    expect(stored).toMatchObject({ url: 'https://erp.example.com/hooks', events: ['order.paid', 'product.stock_low'], enabled: true });
    expect(res.body.notice).toEqual({ type: 'success', message: expect.stringContaining(stored.secret) });
    expect(() => new Webhook(stored.secret)).not.toThrow();
    expect(JSON.stringify(res.body.record)).not.toContain(stored.secret);
    const shown = await panel.staff.get(adminApi.recordAction('WebhookEndpoint', stored.id, 'show')).expect(200);
    const listed = await panel.staff.get(adminApi.list('WebhookEndpoint')).expect(200);
    expect(JSON.stringify(shown.body) + JSON.stringify(listed.body)).not.toContain(stored.secret);
    expect(listed.body.records.map((r: { id: string }) => r.id)).toEqual([stored.id]);
  });

  test.each([
    ['a user and password in the URL', { url: 'https://erp:hunter2@erp.example.com/hooks', events: 'order.paid' }, 'url'],
    ['an ftp URL', { url: 'ftp://erp.example.com/hooks', events: 'order.paid' }, 'url'],
    ['an unknown event', { url: 'https://erp.example.com/hooks', events: 'order.paid, order.teleported' }, 'events'],
    ['no events', { url: 'https://erp.example.com/hooks', events: '' }, 'events'],
    ['no URL', { events: 'order.paid' }, 'url'],
  ])('when the form has %s, then the field shows the error and nothing is stored', async (_case, form, field) => {
    const res = await panel.staff.post(adminApi.resourceAction('WebhookEndpoint', 'new')).type('form').send(form).expect(200);

    expect(Object.keys(res.body.record.errors)).toEqual([field]);
    expect(await endpoints()).toEqual([]);
  });

  test('when staff disable an endpoint and enable it again, then it stops and restarts, its failing streak forgotten', async () => {
    const endpoint = await addEndpoint(pool(), 'https://erp.example.com/hooks', ['order.paid']);
    await pool().query(`UPDATE webhook_endpoints SET failing_since = now() - interval '2 hours' WHERE id = $1`, [endpoint.id]);

    const off = await panel.staff.post(adminApi.recordAction('WebhookEndpoint', endpoint.id, 'disable')).expect(200);
    const afterOff = (await pool().query(`SELECT enabled, disabled_reason FROM webhook_endpoints WHERE id = $1`, [endpoint.id])).rows[0];
    const on = await panel.staff.post(adminApi.recordAction('WebhookEndpoint', endpoint.id, 'enable')).expect(200);

    expect(off.body.notice.message).toBe('Endpoint disabled');
    expect(afterOff).toEqual({ enabled: false, disabled_reason: 'Disabled by staff' });
    expect(on.body.record.params).toMatchObject({ enabled: true, failingSince: null, disabledAt: null });
    const row = (await pool().query(`SELECT enabled, failing_since, disabled_reason FROM webhook_endpoints WHERE id = $1`, [endpoint.id])).rows[0];
    expect(row).toEqual({ enabled: true, failing_since: null, disabled_reason: null });
  });
});

describe('Webhook deliveries and attempts', () => {
  test('when an endpoint has had attempts, then staff see each with its status code, duration, number and error, and cannot change them', async () => {
    const endpoint = await addEndpoint(pool(), 'https://erp.example.com/hooks', ['order.paid']);
    const { rows } = await pool().query(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, body, attempts) VALUES ($1, 'evt_7', 'order.paid', '{"id":"evt_7"}', 2) RETURNING id`,
      [endpoint.id],
    );
    await pool().query(
      `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, error) VALUES ($1, 1, NULL, 700, 'timed out'), ($1, 2, 502, 31, 'HTTP 502')`,
      [rows[0].id],
    );

    const deliveries = await panel.staff.get(adminApi.list('WebhookDelivery')).expect(200);
    const attempts = await panel.staff.get(adminApi.list('WebhookDeliveryAttempt', `filters.delivery=${rows[0].id}&sortBy=attempt&direction=asc`)).expect(200);
    const edit = await panel.staff
      .post(adminApi.recordAction('WebhookDelivery', rows[0].id, 'edit'))
      .type('form')
      .send({ status: 'delivered' });

    expect(deliveries.body.records.map((r: { params: Record<string, unknown> }) => [r.params.eventId, r.params.status, r.params.attempts])).toEqual([
      ['evt_7', 'pending', 2],
    ]);
    expect(
      attempts.body.records.map((r: { params: Record<string, unknown> }) => [r.params.attempt, r.params.statusCode, r.params.durationMs, r.params.error]),
    ).toEqual([
      [1, null, 700, 'timed out'],
      [2, 502, 31, 'HTTP 502'],
    ]);
    expect(edit.body.notice.type).toBe('error');
    expect((await pool().query(`SELECT status FROM webhook_deliveries WHERE id = $1`, [rows[0].id])).rows[0].status).toBe('pending');
  });
});
