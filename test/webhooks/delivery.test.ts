// Outbound webhooks end to end, with the workers running: outbox events become signed deliveries
// to a real endpoint on loopback, retried with a doubling delay, each attempt logged.
import { createMailer } from '../../src/notifications/mailer.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { startJobEngine } from '../../src/jobs/job-engine.js';
import { JOB_DEFINITIONS } from '../../src/job-definitions.js';
import { recordEvent } from '../../src/jobs/outbox.js';
import { PRODUCT_STOCK_LOW } from '../../src/catalog/stock.js';
import { createLogger } from '../../src/shared/logger.js';
import { mockGatewayForms } from '../../src/payments/mock-gateway-page.js';
import { createProduct, createUser } from '../helpers/fixtures.js';
import { placeOrder } from '../helpers/orders-fixtures.js';
import { STOREFRONT } from '../helpers/payments-fixtures.js';
import { sendJobs, jobsFinished } from '../helpers/jobs-fixtures.js';
import { useTestShop } from '../helpers/test-app.js';
import { addEndpoint, deliveriesOf, eventually, startReceiver, type Receiver } from './receiver.js';
import { componentViolation } from '../helpers/contract.js';

const shop = useTestShop({ jobs: true, env: { ...STOREFRONT, WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_TIMEOUT_MS: '700' } });
let receiver: Receiver;

beforeEach(async () => {
  await shop.db.pool.query(`DELETE FROM webhook_endpoints`);
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

const verified = (secret: string, { headers, body }: Receiver['received'][number]) =>
  new Webhook(secret).verify(body, {
    'webhook-id': String(headers['webhook-id']),
    'webhook-timestamp': String(headers['webhook-timestamp']),
    'webhook-signature': String(headers['webhook-signature']),
  });

async function lowStock() {
  const product = await createProduct(shop.db.pool, { stock: 2 });
  const event = { variantId: product.variantId, productId: product.id, stock: 2, threshold: 5 };
  await recordEvent(shop.db.pool, PRODUCT_STOCK_LOW, event);
  return { product, event };
}

describe('delivering an event', () => {
  test('when the endpoint answers 500 twice and then 200, then the event is delivered once, after three attempts a doubling delay apart, each logged and signed', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, [PRODUCT_STOCK_LOW]);
    receiver.answerNext(500, 500);

    const { product, event } = await lowStock();

    const [delivery] = await eventually(
      () => deliveriesOf(shop.db.pool, endpoint.id),
      (rows) => rows[0]?.status === 'delivered',
    );
    expect(delivery).toEqual({
      eventId: expect.stringMatching(/^evt_\d+$/),
      eventType: PRODUCT_STOCK_LOW,
      status: 'delivered',
      attempts: 3,
      log: [
        { attempt: 1, statusCode: 500, error: 'HTTP 500', durationMs: expect.any(Number) },
        { attempt: 2, statusCode: 500, error: 'HTTP 500', durationMs: expect.any(Number) },
        { attempt: 3, statusCode: 200, error: null, durationMs: expect.any(Number) },
      ],
    });
    expect(receiver.received).toHaveLength(3);
    const [first, second, third] = receiver.received;
    expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
    expect(third.at - second.at).toBeGreaterThanOrEqual(2000);
    for (const request of receiver.received) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['webhook-id']).toBe(delivery.eventId);
      expect(request.body).toBe(first.body);
      expect(verified(endpoint.secret, request)).toEqual(JSON.parse(first.body));
    }
    const payload = JSON.parse(first.body);
    expect(payload).toEqual({
      id: delivery.eventId,
      type: PRODUCT_STOCK_LOW,
      version: 1,
      createdAt: expect.any(String),
      data: { ...event, sku: product.sku, title: product.title },
    });
    expect(componentViolation('StockLowWebhookEvent', payload)).toBeUndefined();
    expect(componentViolation('StockLowWebhookEvent', { ...payload, data: { ...payload.data, stock: '2' } })).toContain('stock');
    const { rows } = await shop.db.pool.query(`SELECT failing_since FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    expect(rows[0].failing_since).toBeNull(); // the success ended the failing streak
  });

  test('when the signature is checked with another secret, or the body was changed, then it does not verify', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, [PRODUCT_STOCK_LOW]);
    await lowStock();
    await eventually(
      () => deliveriesOf(shop.db.pool, endpoint.id),
      (rows) => rows[0]?.status === 'delivered',
    );
    const [request] = receiver.received;

    expect(() => verified(`whsec_${Buffer.from('another secret, 24 bytes').toString('base64')}`, request)).toThrow();
    expect(() => verified(endpoint.secret, { ...request, body: request.body.replace('"stock":2', '"stock":200') })).toThrow();
  });

  test('when several endpoints are registered, then only the enabled ones subscribed to the event get it', async () => {
    const subscribed = await addEndpoint(shop.db.pool, receiver.url, ['order.paid', PRODUCT_STOCK_LOW]);
    const other = await addEndpoint(shop.db.pool, `${receiver.url}/other`, ['order.paid']);
    const disabled = await addEndpoint(shop.db.pool, `${receiver.url}/disabled`, [PRODUCT_STOCK_LOW]);
    await shop.db.pool.query(`UPDATE webhook_endpoints SET enabled = false WHERE id = $1`, [disabled.id]);

    await lowStock();

    await eventually(
      () => deliveriesOf(shop.db.pool, subscribed.id),
      (rows) => rows[0]?.status === 'delivered',
    );
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks/shop']);
    expect(await deliveriesOf(shop.db.pool, other.id)).toEqual([]);
    expect(await deliveriesOf(shop.db.pool, disabled.id)).toEqual([]);
  });

  test('when the endpoint does not answer within WEBHOOK_TIMEOUT_MS, or refuses the connection, then the attempt is logged as failed and retried', async () => {
    const gone = await startReceiver();
    await gone.close(); // its port now refuses connections
    const refusing = await addEndpoint(shop.db.pool, gone.url, [PRODUCT_STOCK_LOW]);
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const timingOut = await addEndpoint(shop.db.pool, `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hooks`, [PRODUCT_STOCK_LOW]);

    try {
      await lowStock();

      const [refused] = await eventually(
        () => deliveriesOf(shop.db.pool, refusing.id),
        (rows) => rows[0]?.log?.length >= 2,
      );
      expect(refused.status).toBe('pending');
      expect(refused.log[0]).toEqual({ attempt: 1, statusCode: null, error: expect.stringContaining('ECONNREFUSED'), durationMs: expect.any(Number) });
      const [timedOut] = await eventually(
        () => deliveriesOf(shop.db.pool, timingOut.id),
        (rows) => rows[0]?.log?.length >= 1,
      );
      expect(timedOut.log[0]).toEqual({ attempt: 1, statusCode: null, error: 'timed out', durationMs: expect.any(Number) });
      expect(timedOut.log[0].durationMs).toBeGreaterThanOrEqual(650);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
      await shop.db.pool.query(`DELETE FROM webhook_endpoints`);
    }
  });
});

describe('an order through the shop', () => {
  test('when an order is placed, paid with the mock gateway, shipped and delivered, then the endpoint gets placed, paid, shipped and delivered, in that order, each with the order', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, ['order.placed', 'order.paid', 'order.shipped', 'order.delivered', 'order.cancelled']);
    const buyer = await createUser(shop.db.pool);
    const staff = await createUser(shop.db.pool, { role: 'admin' });
    const product = await createProduct(shop.db.pool, { stock: 5, priceMinor: 1250 });

    const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 2 }]);
    const payment = await shop.request.post(`/api/orders/${order.id}/payments`).set('Authorization', buyer.auth).send({ provider: 'mock' }).expect(201);
    const page = await shop.request.get(`/mock-gateway/${payment.body.id}`).expect(200);
    const pay = mockGatewayForms(page.text).find((f) => f.button === 'Pay')!;
    await shop.request.post(pay.action).type('form').send(pay.fields).expect(303);
    await shop.request
      .post(`/api/admin/orders/${order.id}/ship`)
      .set('Authorization', staff.auth)
      .send({ carrier: 'DHL', trackingNumber: 'TRACK-1' })
      .expect(200);
    await shop.request.post(`/api/admin/orders/${order.id}/deliver`).set('Authorization', staff.auth).send({}).expect(200);

    const deliveries = await eventually(
      () => deliveriesOf(shop.db.pool, endpoint.id),
      (rows) => rows.length === 4 && rows.every((r) => r.status === 'delivered'),
    );
    expect(deliveries.map((d) => d.eventType)).toEqual(['order.placed', 'order.paid', 'order.shipped', 'order.delivered']);
    const payloads = receiver.received.map((r) => JSON.parse(r.body)).sort((a, b) => Number(a.id.slice(4)) - Number(b.id.slice(4)));
    expect(payloads.map((p) => [p.type, p.data.from, p.data.to])).toEqual([
      ['order.placed', null, 'AWAITING_PAYMENT'],
      ['order.paid', 'AWAITING_PAYMENT', 'PAID'],
      ['order.shipped', 'PAID', 'SHIPPED'],
      ['order.delivered', 'SHIPPED', 'DELIVERED'],
    ]);
    for (const payload of payloads) {
      expect(componentViolation('OrderWebhookEvent', payload)).toBeUndefined();
      expect(payload.data.order).toMatchObject({ id: order.id, totalMinor: order.totalMinor, currency: 'USD' });
    }
    receiver.received.forEach((request) => expect(verified(endpoint.secret, request)).toBeTruthy());
  });
});

describe('one event handed out twice', () => {
  test('when two engines run the fan-out of the same event at once, then each endpoint gets one delivery and one request', async () => {
    const a = await addEndpoint(shop.db.pool, receiver.url, [PRODUCT_STOCK_LOW]);
    const b = await addEndpoint(shop.db.pool, `${receiver.url}/b`, [PRODUCT_STOCK_LOW]);
    const product = await createProduct(shop.db.pool, { stock: 1 });
    const second = await startJobEngine({
      deps: { pool: shop.db.pool, logger: createLogger('silent'), config: shop.config, providers: {} as never, mailer: createMailer(shop.config) },
      definitions: JOB_DEFINITIONS,
      workers: true,
      pollingIntervalSeconds: 0.5,
    });
    try {
      const data = { variantId: product.variantId, productId: product.id, stock: 1, threshold: 5, eventId: 987_654_321 };
      const ids = await sendJobs(shop.db.pool, 'webhooks-stock-events', 4, data);

      expect(await jobsFinished(shop.db.pool, ids)).toEqual(Array(4).fill('completed'));
      for (const endpoint of [a, b]) {
        const rows = await eventually(
          () => deliveriesOf(shop.db.pool, endpoint.id),
          (r) => r[0]?.status === 'delivered',
        );
        expect(rows).toEqual([expect.objectContaining({ eventId: 'evt_987654321', attempts: 1 })]);
      }
      expect(receiver.received).toHaveLength(2);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(['evt_987654321']));
    } finally {
      await second.stop();
    }
  });
});
