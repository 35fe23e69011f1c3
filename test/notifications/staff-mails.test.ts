// Staff mails, end to end through the app's workers and a real SMTP server on loopback: orders
// to ship, stock running low, jobs that failed for good, and webhook endpoints switched off.
import PgBoss from 'pg-boss';
import { useTestShop } from '../helpers/test-app.js';
import { useTestSmtpServer } from '../helpers/smtp-server.js';
import { checkoutAs, fillCart, placeOrder } from '../helpers/orders-fixtures.js';
import { createProduct, createUser, stockOf } from '../helpers/fixtures.js';
import { createShippingMethod } from '../helpers/delivery-fixtures.js';
import { mailRows, mailsSettled, payWithMock, setStoreMailSettings } from '../helpers/mail-fixtures.js';
import { recordEvent } from '../../src/jobs/outbox.js';
import { onConnection } from '../../src/jobs/connection.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';

const smtp = useTestSmtpServer();
const shop = useTestShop({ jobs: true, env: smtp.env });
const STAFF = 'orders@shop.test';

beforeAll(() => setStoreMailSettings(shop.db.pool, { storeName: 'Test Shop', staffEmail: STAFF, lowStockThreshold: 5 }));

/** The staff mails whose subject starts with `prefix`. */
const staffMails = (prefix: string) => smtp.server.to(STAFF).filter((m) => m.subject.startsWith(prefix));

describe('a new order to ship', () => {
  test('when an order is paid, then staff get one "new order" mail with its total; none while it only awaits payment', async () => {
    const buyer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { priceMinor: 1500, stock: 20 });
    const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 1 }]);
    await smtp.server.waitFor(1, buyer.email);
    expect(await mailRows(shop.db.pool, `order:${order.id}:new_order`)).toEqual([]);

    await payWithMock(shop, order.id, buyer.auth);
    await mailsSettled(shop.db.pool, `order:${order.id}:new_order`, 1);

    const [mail] = staffMails('New order to ship').filter((m) => m.text.includes(`Order #`) && m.text.includes('$15.00'));
    expect(mail.text).toContain('is paid and is ready to pack and ship: $15.00');
    expect(await mailRows(shop.db.pool, `order:${order.id}:new_order`)).toEqual([expect.objectContaining({ recipients: STAFF, status: 'SENT' })]);
  });

  test('when a buyer checks out with cash on delivery, then staff get the "new order" mail at once, marked cash on delivery', async () => {
    const method = await createShippingMethod(shop.db.pool, { countries: ['BD'], priceMinor: 0, codEnabled: true, codFeeMinor: 0 });
    const buyer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { priceMinor: 777, stock: 5 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: product.variantId, quantity: 1 }]);
    const dhaka = { recipientName: 'Rahim', phone: '01712-345678', line1: 'House 1', city: 'Dhaka', postalCode: '1205', country: 'BD' };
    const placed = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: dhaka, shippingMethodId: method.id, paymentMethod: 'cod' } }).expect(
      201,
    );

    await mailsSettled(shop.db.pool, `order:${placed.body.id}:new_order`, 1);

    expect(staffMails('New order to ship').some((m) => m.text.includes(`#${placed.body.number} (cash on delivery) is ready to pack and ship: $7.77`))).toBe(
      true,
    );
  });

  test('when the store has no staff email set, then the mail goes to every staff account', async () => {
    await setStoreMailSettings(shop.db.pool, { staffEmail: null });
    try {
      const admin = await createUser(shop.db.pool, { role: 'admin', email: `boss-${Date.now()}@shop.test` });
      const buyer = await createUser(shop.db.pool);
      const product = await createProduct(shop.db.pool, { stock: 5 });
      const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 1 }]);
      await smtp.server.waitFor(1, buyer.email);

      await payWithMock(shop, order.id, buyer.auth);
      const [row] = await mailsSettled(shop.db.pool, `order:${order.id}:new_order`, 1);

      const { rows } = await shop.db.pool.query(`SELECT lower(email) AS email FROM users WHERE role = 'ADMIN' AND email IS NOT NULL ORDER BY 1`);
      expect(row.recipients.split(', ')).toEqual(rows.map((r) => r.email));
      expect(smtp.server.to(admin.email).filter((m) => m.subject.startsWith('New order to ship'))).toHaveLength(1);
    } finally {
      await setStoreMailSettings(shop.db.pool, { staffEmail: STAFF });
    }
  });
});

describe('low stock', () => {
  test('when checkouts take a variant from 7 to 6, to 4, then to 3 (threshold 5), then staff get one low-stock mail, for the crossing', async () => {
    const product = await createProduct(shop.db.pool, { title: 'Mug', stock: 7 });
    const buyers = await Promise.all([1, 2, 3].map(() => createUser(shop.db.pool)));

    for (const [buyer, quantity] of [
      [buyers[0], 1],
      [buyers[1], 2],
      [buyers[2], 1],
    ] as const) {
      await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity }]);
    }
    await smtp.server.waitFor(1, buyers[2].email); // the last checkout's events are relayed
    const [row] = await mailsSettled(shop.db.pool, `variant:${product.variantId}:low:`, 1);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // time for a second one, if it came

    expect(await stockOf(shop.db.pool, product)).toBe(3);
    expect(await mailRows(shop.db.pool, `variant:${product.variantId}:`)).toHaveLength(1);
    expect(row).toMatchObject({ kind: 'low_stock', recipients: STAFF, status: 'SENT' });
    const [mail] = staffMails(`Low stock: Mug (${product.sku})`);
    expect(mail.text).toContain(`Mug (SKU ${product.sku}) is down to 4 in stock (the low-stock threshold is 5)`);
  });

  test("when a variant has its own threshold, then the crossing of that one is mailed (not the store's), with it in the mail", async () => {
    const watched = await createProduct(shop.db.pool, { title: 'Teapot', stock: 12 });
    const relaxed = await createProduct(shop.db.pool, { title: 'Spoon', stock: 7 });
    await shop.db.pool.query(
      `UPDATE product_variants SET low_stock_threshold = v.t FROM (VALUES ($1::uuid, 10), ($2::uuid, 1)) AS v(id, t) WHERE product_variants.id = v.id`,
      [watched.variantId, relaxed.variantId],
    );
    const buyer = await createUser(shop.db.pool);

    await placeOrder(shop.request, shop.db.pool, buyer, [
      { variantId: watched.variantId, quantity: 3 },
      { variantId: relaxed.variantId, quantity: 4 },
    ]);
    await smtp.server.waitFor(1, buyer.email);
    await mailsSettled(shop.db.pool, `variant:${watched.variantId}:low:`, 1);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // time for the other one, if it came

    expect(await mailRows(shop.db.pool, `variant:${relaxed.variantId}:`)).toEqual([]);
    const [mail] = staffMails(`Low stock: Teapot (${watched.sku})`);
    expect(mail.text).toContain(`Teapot (SKU ${watched.sku}) is down to 9 in stock (the low-stock threshold is 10)`);
  });

  test('when a checkout fails for short stock, then no low-stock event is left behind', async () => {
    const product = await createProduct(shop.db.pool, { stock: 6 });
    const buyer = await createUser(shop.db.pool);
    await fillCart(shop.db.pool, buyer.id, [{ variantId: product.variantId, quantity: 9 }]);

    await checkoutAs(shop.request, buyer).expect(409);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(await stockOf(shop.db.pool, product)).toBe(6);
    expect(await mailRows(shop.db.pool, `variant:${product.variantId}:`)).toEqual([]);
  });
});

describe('a job that failed for good', () => {
  test('when a job uses up its tries, then staff get one dead-letter mail with its error and data', async () => {
    const boss = new PgBoss({ db: onConnection(shop.db.pool), schema: JOB_SCHEMA, supervise: false, schedule: false, migrate: false });
    await boss.start();
    const missingOrder = '00000000-0000-4000-8000-0000000000aa';
    const jobId = (await boss.send('mail-order-status', { orderId: missingOrder, from: 'AWAITING_PAYMENT', to: 'PAID', eventId: 1 }, { retryLimit: 0 }))!;
    await boss.stop({ graceful: false, wait: true });

    const [row] = await mailsSettled(shop.db.pool, 'job:', 1);
    const mails = staffMails('A background job failed for good').filter((m) => m.text.includes(missingOrder));

    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain('Last error: Order was not found');
    const { rows } = await shop.db.pool.query(`SELECT state FROM ${JOB_SCHEMA}.job WHERE id = $1`, [jobId]);
    expect(rows[0].state).toBe('failed');
    expect(row).toMatchObject({ kind: 'dead_letter', status: 'SENT', recipients: STAFF });
  });
});

describe('a webhook endpoint disabled', () => {
  test('when the webhooks domain disables an endpoint, then staff get a mail naming its URL and the reason, escaped in HTML', async () => {
    await recordEvent(shop.db.pool, 'webhook_endpoint.disabled', {
      endpointId: '00000000-0000-4000-8000-0000000000bb',
      url: 'https://hooks.test/<in>',
      reason: '10 failed deliveries in a row',
    });

    const [row] = await mailsSettled(shop.db.pool, 'webhook_endpoint:00000000-0000-4000-8000-0000000000bb:', 1);
    const [mail] = staffMails('A webhook endpoint was disabled');

    expect(row).toMatchObject({ kind: 'webhook_disabled', status: 'SENT', recipients: STAFF });
    expect(mail.text).toContain('Deliveries to the webhook endpoint https://hooks.test/<in> were stopped: 10 failed deliveries in a row.');
    expect(mail.html).toContain('https://hooks.test/&lt;in&gt;');
  });
});
