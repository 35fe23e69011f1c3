// The transactional outbox: a status change and its event commit or roll back together, and the
// relay hands every event to each subscribing queue exactly once, however many relays run.
import PgBoss from 'pg-boss';
import { useTestDatabase } from '../helpers/test-app.js';
import { createOrder, createProduct, createUser } from '../helpers/fixtures.js';
import { moveOrder } from '../helpers/payments-fixtures.js';
import { inTransaction } from '../../src/shared/db.js';
import { transition } from '../../src/orders/state-machine.js';
import { relayOutbox } from '../../src/jobs/outbox.js';
import { onConnection } from '../../src/jobs/connection.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';
import { defineJob } from '../../src/jobs/job-definition.js';

const database = useTestDatabase(8);
const QUEUE = 'outbox-test-subscriber';
const subscriber = defineJob({ name: QUEUE, subscribesTo: ['order.status_changed'], handler: () => async () => undefined });
let boss: PgBoss;

beforeAll(async () => {
  boss = new PgBoss({ db: onConnection(database.db.pool), schema: JOB_SCHEMA, supervise: false, schedule: false, migrate: false });
  await boss.start();
  await boss.createQueue(QUEUE);
});
afterAll(() => boss.stop({ graceful: false, wait: true }));
beforeEach(() => database.db.pool.query(`DELETE FROM outbox`));

async function unpaidOrder() {
  const product = await createProduct(database.db.pool, { stock: 5 });
  const buyer = await createUser(database.db.pool);
  return createOrder(database.db.pool, { userId: buyer.id, lines: [{ product, quantity: 1 }] });
}

const outbox = async () => (await database.db.pool.query(`SELECT topic, payload FROM outbox ORDER BY id`)).rows;
const subscriberJobs = async (orderId: string) =>
  (await database.db.pool.query(`SELECT data FROM ${JOB_SCHEMA}.job WHERE name = $1 AND data->>'orderId' = $2 ORDER BY created_on`, [QUEUE, orderId])).rows.map(
    (r) => r.data,
  );

describe('recording', () => {
  test('when an order changes status, then the same transaction writes one outbox event naming the order and both statuses', async () => {
    const order = await unpaidOrder();

    await moveOrder(database.db.pool, order.id, 'CANCELLED', 'customer:test');

    expect(await outbox()).toEqual([{ topic: 'order.status_changed', payload: { orderId: order.id, from: 'AWAITING_PAYMENT', to: 'CANCELLED' } }]);
  });

  test('when the transaction of a status change rolls back, then no event is left behind', async () => {
    const order = await unpaidOrder();

    await expect(
      inTransaction(database.db.pool, async (tx) => {
        await transition(tx, order.id, 'CANCELLED', { actor: 'customer:test' });
        throw new Error('the rest of the work failed');
      }),
    ).rejects.toThrow('the rest of the work failed');

    expect(await outbox()).toEqual([]);
    const { rows } = await database.db.pool.query(`SELECT status FROM orders WHERE id = $1`, [order.id]);
    expect(rows[0].status).toBe('AWAITING_PAYMENT');
  });
});

describe('relaying', () => {
  test('when four relays run at once over 30 events, then each subscriber gets each event once and the outbox is empty', async () => {
    const orders = await Promise.all(Array.from({ length: 30 }, () => unpaidOrder()));
    await Promise.all(orders.map((order) => moveOrder(database.db.pool, order.id, 'CANCELLED', 'customer:test')));

    const moved = await Promise.all(Array.from({ length: 4 }, () => relayOutbox(database.db.pool, boss, [subscriber])));

    expect(moved.reduce((a, b) => a + b, 0)).toBe(30);
    expect(await outbox()).toEqual([]);
    for (const order of orders) {
      expect(await subscriberJobs(order.id)).toEqual([{ orderId: order.id, from: 'AWAITING_PAYMENT', to: 'CANCELLED', eventId: expect.any(Number) }]);
    }
  });

  test('when an event has no subscriber, then the relay still takes it off the outbox', async () => {
    await database.db.pool.query(`INSERT INTO outbox (topic, payload) VALUES ('nobody.listens', '{}')`);

    expect(await relayOutbox(database.db.pool, boss, [subscriber])).toBe(1);

    expect(await outbox()).toEqual([]);
  });
});
