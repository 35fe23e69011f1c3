// What the shop does about an endpoint that keeps failing, and the checks at delivery time,
// attempt by attempt (the delivery job's work, called directly: no workers, no relay, so the
// outbox keeps what the attempt wrote).
import { deliver, forgetOldDeliveries, retryDelay, type DeliverySettings } from '../../src/webhooks/delivery.js';
import { DELIVER_QUEUE } from '../../src/webhooks/fan-out.js';
import { WEBHOOK_ENDPOINT_DISABLED } from '../../src/webhooks/events.js';
import { sendSigned } from '../../src/webhooks/sender.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';
import { useTestShop } from '../helpers/test-app.js';
import { addEndpoint, deliveriesOf, startReceiver, type Receiver } from './receiver.js';

const shop = useTestShop();
const SETTINGS: DeliverySettings = { policy: { blockPrivate: false }, timeoutMs: 2000, retryDelaySeconds: 30, giveUpAfterHours: 24 };
const SECRET = `whsec_${Buffer.from('test secret of 24 bytes!').toString('base64')}`;
let receiver: Receiver;

beforeAll(async () => {
  if (!(await shop.jobs.boss.getQueue(DELIVER_QUEUE))) await shop.jobs.boss.createQueue(DELIVER_QUEUE);
});
beforeEach(async () => {
  await shop.db.pool.query(`DELETE FROM webhook_endpoints; DELETE FROM outbox; DELETE FROM ${JOB_SCHEMA}.job WHERE name = '${DELIVER_QUEUE}'`);
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

async function pendingDelivery(endpointId: string, { attempts = 0, createdHoursAgo = 0 } = {}) {
  const { rows } = await shop.db.pool.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, body, attempts, created_at)
     VALUES ($1, 'evt_' || (random() * 1e9)::bigint, 'order.paid', '{"id":"evt_1"}', $2, now() - make_interval(hours => $3)) RETURNING id`,
    [endpointId, attempts, createdHoursAgo],
  );
  return rows[0].id;
}
const endpointState = async (id: string) =>
  (
    await shop.db.pool.query(
      `SELECT enabled, disabled_reason AS "disabledReason", disabled_at IS NOT NULL AS "disabled", failing_since IS NOT NULL AS failing FROM webhook_endpoints WHERE id = $1`,
      [id],
    )
  ).rows[0];
const outbox = async () => (await shop.db.pool.query(`SELECT topic, payload FROM outbox ORDER BY id`)).rows;
const queuedAttempts = async () =>
  (await shop.db.pool.query(`SELECT data, start_after - now() > interval '25 seconds' AS later FROM ${JOB_SCHEMA}.job WHERE name = $1`, [DELIVER_QUEUE])).rows;

describe('an attempt that fails', () => {
  test('when the endpoint has failed for less than WEBHOOK_DISABLE_AFTER_HOURS, then the failure is logged, the streak starts and the next attempt is queued after the delay', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, ['order.paid']);
    const deliveryId = await pendingDelivery(endpoint.id);
    receiver.answerNext(503);

    const result = await deliver(shop.db.pool, shop.jobs.boss, SETTINGS, { deliveryId, attempt: 1 });

    expect(result).toMatchObject({ statusCode: 503, error: 'HTTP 503' });
    expect(await endpointState(endpoint.id)).toEqual({ enabled: true, disabledReason: null, disabled: false, failing: true });
    expect(await deliveriesOf(shop.db.pool, endpoint.id)).toEqual([
      expect.objectContaining({ status: 'pending', attempts: 1, log: [expect.objectContaining({ statusCode: 503 })] }),
    ]);
    expect(await queuedAttempts()).toEqual([{ data: { deliveryId, attempt: 2 }, later: true }]);
    expect(await outbox()).toEqual([]);
  });

  test('when the endpoint has failed for WEBHOOK_DISABLE_AFTER_HOURS, then it is disabled, its pending deliveries are given up, staff are told through the outbox, and nothing more is queued', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, ['order.paid']);
    await shop.db.pool.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '24 hours 1 minute' WHERE id = $1`, [endpoint.id]);
    const deliveryId = await pendingDelivery(endpoint.id, { attempts: 29 });
    const another = await pendingDelivery(endpoint.id);
    receiver.answerNext(500);

    await deliver(shop.db.pool, shop.jobs.boss, SETTINGS, { deliveryId, attempt: 30 });

    expect(await endpointState(endpoint.id)).toEqual({ enabled: false, disabledReason: 'Every delivery failed for 24 hour(s)', disabled: true, failing: true });
    const deliveries = await deliveriesOf(shop.db.pool, endpoint.id);
    expect(deliveries.map((d) => d.status)).toEqual(['failed', 'failed']);
    expect(await outbox()).toEqual([
      { topic: WEBHOOK_ENDPOINT_DISABLED, payload: { endpointId: endpoint.id, url: receiver.url, reason: 'Every delivery failed for 24 hour(s)' } },
    ]);
    expect(await queuedAttempts()).toEqual([]);
    // the other delivery's queued attempt finds it given up and sends nothing
    await deliver(shop.db.pool, shop.jobs.boss, SETTINGS, { deliveryId: another, attempt: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  test('when an endpoint that had been failing answers 2xx, then its streak ends', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, ['order.paid']);
    await shop.db.pool.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '23 hours' WHERE id = $1`, [endpoint.id]);
    const deliveryId = await pendingDelivery(endpoint.id);

    await deliver(shop.db.pool, shop.jobs.boss, SETTINGS, { deliveryId, attempt: 1 });

    expect(await endpointState(endpoint.id)).toMatchObject({ enabled: true, failing: false });
    expect(await deliveriesOf(shop.db.pool, endpoint.id)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
  });

  test('when one delivery has failed for the window while the endpoint takes others, then that delivery alone is given up', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, ['order.paid']);
    const deliveryId = await pendingDelivery(endpoint.id, { attempts: 29, createdHoursAgo: 25 });
    receiver.answerNext(400);

    await deliver(shop.db.pool, shop.jobs.boss, SETTINGS, { deliveryId, attempt: 30 });

    expect(await deliveriesOf(shop.db.pool, endpoint.id)).toEqual([expect.objectContaining({ status: 'failed', attempts: 30 })]);
    expect(await endpointState(endpoint.id)).toMatchObject({ enabled: true });
    expect(await queuedAttempts()).toEqual([]);
  });
});

describe('repeated and refused attempts', () => {
  test('when the job of an attempt already made runs again, then nothing is sent or logged', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, ['order.paid']);
    const deliveryId = await pendingDelivery(endpoint.id);
    receiver.answerNext(500);
    await deliver(shop.db.pool, shop.jobs.boss, SETTINGS, { deliveryId, attempt: 1 });

    const again = await deliver(shop.db.pool, shop.jobs.boss, SETTINGS, { deliveryId, attempt: 1 });

    expect(again).toBeUndefined();
    expect(receiver.received).toHaveLength(1);
    expect((await deliveriesOf(shop.db.pool, endpoint.id))[0].log).toHaveLength(1);
  });

  test('when the endpoint resolves to a private address at delivery time in production, then nothing is sent and the refusal is logged', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, ['order.paid']);
    const deliveryId = await pendingDelivery(endpoint.id);

    await deliver(shop.db.pool, shop.jobs.boss, { ...SETTINGS, policy: { blockPrivate: true } }, { deliveryId, attempt: 1 });

    expect(receiver.received).toEqual([]);
    expect((await deliveriesOf(shop.db.pool, endpoint.id))[0]).toMatchObject({
      status: 'pending',
      log: [{ attempt: 1, statusCode: null, error: expect.stringMatching(/^refused: .*127\.0\.0\.1.*private address/), durationMs: 0 }],
    });
  });

  test('when a name resolves to a private address as the connection is made (DNS rebinding after the check), then the socket never connects', async () => {
    const url = receiver.url.replace('127.0.0.1', 'localhost');

    const result = await sendSigned(url, SECRET, 'evt_1', '{}', { timeoutMs: 2000, blockPrivate: true });

    expect(result).toEqual({
      statusCode: null,
      durationMs: expect.any(Number),
      error: expect.stringMatching(/^EPRIVATE: refused: localhost resolves to .*private address/),
    });
    expect(receiver.received).toEqual([]);
  });
});

describe('forgetting old deliveries', () => {
  test('when deliveries finished longer ago than the retention, then they go with their attempts; newer and pending ones stay', async () => {
    const endpoint = await addEndpoint(shop.db.pool, receiver.url, ['order.paid']);
    const old = await pendingDelivery(endpoint.id, { createdHoursAgo: 31 * 24 });
    const oldPending = await pendingDelivery(endpoint.id, { createdHoursAgo: 31 * 24 });
    const recent = await pendingDelivery(endpoint.id, { createdHoursAgo: 24 });
    await shop.db.pool.query(`UPDATE webhook_deliveries SET status = 'delivered' WHERE id = ANY($1::uuid[])`, [[old, recent]]);
    await shop.db.pool.query(`INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms) VALUES ($1, 1, 200, 5)`, [old]);

    const forgotten = await forgetOldDeliveries(shop.db.pool, 30);

    expect(forgotten).toBe(1);
    const { rows } = await shop.db.pool.query(`SELECT id FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id`, [endpoint.id]);
    expect(rows.map((r) => r.id).sort()).toEqual([oldPending, recent].sort());
    expect((await shop.db.pool.query(`SELECT count(*)::int AS n FROM webhook_delivery_attempts`)).rows[0].n).toBe(0);
  });
});

describe('retryDelay', () => {
  test('when attempts go on failing, then the delay doubles from the base, up to an hour', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(30, n))).toEqual([30, 60, 120, 240, 480]);
    expect(retryDelay(30, 20)).toBe(3600);
  });
});
