// The staff routes of outbound webhook endpoints: register (the secret shown once), list, remove,
// and every refusal (422 with its own code, 400 for a malformed body, 401/403) storing nothing.
import { Webhook } from 'standardwebhooks';
import { useTestShop } from '../helpers/test-app.js';
import { createUser, type UserFixture } from '../helpers/fixtures.js';

const shop = useTestShop();
const PRODUCTION = { NODE_ENV: 'production', SESSION_SECRET: 'a long random string for the production tests only' };
let staff: UserFixture;
let customer: UserFixture;

beforeAll(async () => {
  staff = await createUser(shop.db.pool, { role: 'admin' });
  customer = await createUser(shop.db.pool);
});
beforeEach(() => shop.db.pool.query(`DELETE FROM webhook_endpoints`));

const register = (body: object, as: UserFixture | null = staff, request = shop.request) => {
  const req = request.post('/api/admin/webhook-endpoints');
  if (as) req.set('Authorization', as.auth);
  return req.send(body);
};
const storedEndpoints = async () => (await shop.db.pool.query(`SELECT url, events, secret, enabled FROM webhook_endpoints ORDER BY created_at`)).rows;

describe('POST /api/admin/webhook-endpoints', () => {
  test('when staff register an https URL for two events, then 201 with the endpoint and a whsec_ secret that signs and verifies, and the row is stored', async () => {
    const res = await register({ url: 'https://erp.example.com/hooks/shop', events: ['order.paid', 'product.stock_low'] });

    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      id: expect.any(String),
      url: 'https://erp.example.com/hooks/shop',
      events: ['order.paid', 'product.stock_low'],
      enabled: true,
      failingSince: null,
      disabledAt: null,
      disabledReason: null,
      createdAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
    });
    const hook = new Webhook(res.body.secret);
    const signed = hook.sign('evt_1', new Date(), '{}');
    expect(hook.verify('{}', { 'webhook-id': 'evt_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': signed })).toEqual({});
    expect(await storedEndpoints()).toEqual([
      { url: 'https://erp.example.com/hooks/shop', events: ['order.paid', 'product.stock_low'], secret: res.body.secret, enabled: true },
    ]);
  });

  test('when the same event is listed twice, then it is stored once', async () => {
    const res = await register({ url: 'http://warehouse.example.com/in', events: ['order.shipped', 'order.shipped'] });

    expect(res.status).toBe(201);
    expect(res.body.events).toEqual(['order.shipped']);
    expect((await storedEndpoints())[0].events).toEqual(['order.shipped']);
  });

  test.each([
    ['not a URL', 'erp.example.com/hooks', 'WEBHOOK_URL_INVALID'],
    ['an ftp URL', 'ftp://erp.example.com/hooks', 'WEBHOOK_URL_INVALID'],
    ['a javascript: URL', 'javascript:alert(1)', 'WEBHOOK_URL_INVALID'],
    ['a user and password in the URL', 'https://erp:hunter2@erp.example.com/hooks', 'WEBHOOK_URL_HAS_CREDENTIALS'],
    ['a user name alone in the URL', 'https://erp@erp.example.com/hooks', 'WEBHOOK_URL_HAS_CREDENTIALS'],
  ])('when the URL is %s, then 422 and nothing is stored', async (_case, url, code) => {
    const res = await register({ url, events: ['order.paid'] });

    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe(code);
    expect(res.body.detail).not.toContain('hunter2');
    expect(await storedEndpoints()).toEqual([]);
  });

  test('when an event is unknown, then 422 WEBHOOK_EVENT_UNKNOWN naming it, and nothing is stored', async () => {
    const res = await register({ url: 'https://erp.example.com/hooks', events: ['order.paid', 'order.teleported'] });

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'WEBHOOK_EVENT_UNKNOWN', unknown: ['order.teleported'] });
    expect(await storedEndpoints()).toEqual([]);
  });

  test.each([
    ['no url', { events: ['order.paid'] }],
    ['no events', { url: 'https://erp.example.com/hooks' }],
    ['an empty list of events', { url: 'https://erp.example.com/hooks', events: [] }],
    ['events that are not a list', { url: 'https://erp.example.com/hooks', events: 'order.paid' }],
    ['a url that is not text', { url: 42, events: ['order.paid'] }],
    ['a field the route does not take', { url: 'https://erp.example.com/hooks', events: ['order.paid'], secret: 'whsec_mine' }],
  ])('when the body has %s, then 400 VALIDATION_FAILED and nothing is stored', async (_case, body) => {
    const res = await register(body);

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await storedEndpoints()).toEqual([]);
  });

  test('when the caller is signed out, then 401; a customer, 403; nothing is stored', async () => {
    const body = { url: 'https://erp.example.com/hooks', events: ['order.paid'] };

    const anonymous = await register(body, null);
    const asCustomer = await register(body, customer);

    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect([asCustomer.status, asCustomer.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(await storedEndpoints()).toEqual([]);
  });

  describe('in production', () => {
    test.each([
      ['loopback', 'http://127.0.0.1:8080/hooks', '127.0.0.1'],
      ['loopback spelled as one number', 'http://2130706433/hooks', '127.0.0.1'],
      ['loopback spelled in hex', 'http://0x7f.1/hooks', '127.0.0.1'],
      ['a name for loopback', 'http://localhost/hooks', undefined],
      ['the unspecified address', 'http://0.0.0.0/hooks', '0.0.0.0'],
      ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data', '169.254.169.254'],
      ['10/8', 'https://10.1.2.3/hooks', '10.1.2.3'],
      ['172.16/12', 'https://172.31.255.1/hooks', '172.31.255.1'],
      ['192.168/16', 'https://192.168.1.10/hooks', '192.168.1.10'],
      ['IPv6 loopback', 'http://[::1]/hooks', '::1'],
      ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hooks', '::ffff:7f00:1'],
      ['IPv6 unique local', 'http://[fd12:3456::1]/hooks', 'fd12:3456::1'],
      ['IPv6 link-local', 'http://[fe80::1]/hooks', 'fe80::1'],
    ])('when the URL is %s, then 422 WEBHOOK_URL_PRIVATE and nothing is stored', async (_case, url, address) => {
      const res = await shop.withAnother(PRODUCTION, (app) => register({ url, events: ['order.paid'] }, staff, app.request));

      expect(res.status).toBe(422);
      expect(res.body.code).toBe('WEBHOOK_URL_PRIVATE');
      if (address) expect(res.body.address).toBe(address);
      expect(await storedEndpoints()).toEqual([]);
    });

    test('when the host does not resolve, then 422 WEBHOOK_URL_UNRESOLVABLE and nothing is stored', async () => {
      const res = await shop.withAnother(PRODUCTION, (app) => register({ url: 'https://erp.invalid/hooks', events: ['order.paid'] }, staff, app.request));

      expect(res.status).toBe(422);
      expect(res.body.code).toBe('WEBHOOK_URL_UNRESOLVABLE');
      expect(await storedEndpoints()).toEqual([]);
    });

    test('when the URL is a public address, then 201', async () => {
      const res = await shop.withAnother(PRODUCTION, (app) => register({ url: 'https://93.184.216.34/hooks', events: ['order.paid'] }, staff, app.request));

      expect(res.status).toBe(201);
      expect(await storedEndpoints()).toEqual([expect.objectContaining({ url: 'https://93.184.216.34/hooks' })]);
    });

    test('when the operator allows private addresses (WEBHOOKS_ALLOW_PRIVATE_URLS=on), then a loopback URL is registered', async () => {
      const res = await shop.withAnother({ ...PRODUCTION, WEBHOOKS_ALLOW_PRIVATE_URLS: 'on' }, (app) =>
        register({ url: 'http://127.0.0.1:8080/hooks', events: ['order.paid'] }, staff, app.request),
      );

      expect(res.status).toBe(201);
      expect(await storedEndpoints()).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:8080/hooks' })]);
    });
  });

  test('outside production, then a loopback URL is registered (for local systems and tests)', async () => {
    const res = await register({ url: 'http://127.0.0.1:8080/hooks', events: ['order.paid'] });

    expect(res.status).toBe(201);
  });
});

describe('GET /api/admin/webhook-endpoints', () => {
  test('when endpoints are registered, then staff get them newest first, never with their secrets', async () => {
    const first = await register({ url: 'https://erp.example.com/a', events: ['order.paid'] }).expect(201);
    const second = await register({ url: 'https://erp.example.com/b', events: ['order.shipped'] }).expect(201);

    const res = await shop.request.get('/api/admin/webhook-endpoints').set('Authorization', staff.auth);

    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { id: string }) => e.id)).toEqual([second.body.id, first.body.id]);
    const { secret, ...shown } = second.body;
    expect(res.body.items[0]).toEqual(shown);
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  test('when the caller is signed out, then 401; a customer, 403', async () => {
    const anonymous = await shop.request.get('/api/admin/webhook-endpoints');
    const asCustomer = await shop.request.get('/api/admin/webhook-endpoints').set('Authorization', customer.auth);

    expect(anonymous.status).toBe(401);
    expect(asCustomer.status).toBe(403);
  });
});

describe('DELETE /api/admin/webhook-endpoints/{id}', () => {
  test('when staff remove an endpoint, then 204 and it is gone with its deliveries and their log', async () => {
    const created = await register({ url: 'https://erp.example.com/a', events: ['order.paid'] }).expect(201);
    const { rows } = await shop.db.pool.query(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, body) VALUES ($1, 'evt_1', 'order.paid', '{}') RETURNING id`,
      [created.body.id],
    );
    await shop.db.pool.query(`INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms) VALUES ($1, 1, 500, 3)`, [rows[0].id]);

    const res = await shop.request.delete(`/api/admin/webhook-endpoints/${created.body.id}`).set('Authorization', staff.auth);

    expect(res.status).toBe(204);
    expect(await storedEndpoints()).toEqual([]);
    const left = await shop.db.pool.query(
      `SELECT (SELECT count(*) FROM webhook_deliveries)::int AS deliveries, (SELECT count(*) FROM webhook_delivery_attempts)::int AS attempts`,
    );
    expect(left.rows[0]).toEqual({ deliveries: 0, attempts: 0 });
  });

  test('when the endpoint is already gone, then 204 all the same', async () => {
    const res = await shop.request.delete('/api/admin/webhook-endpoints/00000000-0000-4000-8000-000000000001').set('Authorization', staff.auth);

    expect(res.status).toBe(204);
  });

  test('when the id is not a uuid, then 400 VALIDATION_FAILED', async () => {
    const res = await shop.request.delete('/api/admin/webhook-endpoints/42').set('Authorization', staff.auth);

    expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  test('when the caller is signed out, then 401; a customer, 403; the endpoint stays', async () => {
    const created = await register({ url: 'https://erp.example.com/a', events: ['order.paid'] }).expect(201);

    const anonymous = await shop.request.delete(`/api/admin/webhook-endpoints/${created.body.id}`);
    const asCustomer = await shop.request.delete(`/api/admin/webhook-endpoints/${created.body.id}`).set('Authorization', customer.auth);

    expect([anonymous.status, asCustomer.status]).toEqual([401, 403]);
    expect(await storedEndpoints()).toHaveLength(1);
  });
});
