// The customer's mails, end to end: real checkouts, payments and staff actions set off the
// outbox events, the app's own workers build the mails, and a real SMTP server on loopback
// receives them.
import { useTestShop } from '../helpers/test-app.js';
import { useTestSmtpServer } from '../helpers/smtp-server.js';
import { placeOrder, checkoutAs, fillCart } from '../helpers/orders-fixtures.js';
import { createProduct, createProductWithVariants, createUser, type UserFixture } from '../helpers/fixtures.js';
import { createShippingMethod, createTaxRate } from '../helpers/delivery-fixtures.js';
import { STOREFRONT } from '../helpers/payments-fixtures.js';
import { mailRows, mailsSettled, payWithMock, setStoreMailSettings } from '../helpers/mail-fixtures.js';
import { expireOverdueOrders } from '../../src/orders/expiry-job.js';
import { recordEvent } from '../../src/jobs/outbox.js';
import { PAYMENT_REFUNDED } from '../../src/payments/refunds.js';

const smtp = useTestSmtpServer();
const ORDER_PAGE = 'https://store.test/orders/{orderId}';
const shop = useTestShop({ jobs: true, env: Object.assign(smtp.env, STOREFRONT, { STOREFRONT_ORDER_URL: ORDER_PAGE }) });

let staff: UserFixture;
beforeAll(async () => {
  staff = await createUser(shop.db.pool, { role: 'admin' });
  await setStoreMailSettings(shop.db.pool, { storeName: 'Test Shop', staffEmail: 'staff@shop.test' });
});

const asStaff = (action: string, orderId: string, body: object = {}) =>
  shop.request.post(`/api/admin/orders/${orderId}/${action}`).set('Authorization', staff.auth).send(body);

/** A buyer with an order of 2 × a 12.50 product, awaiting payment. */
async function orderAwaitingPayment() {
  const buyer = await createUser(shop.db.pool);
  const product = await createProduct(shop.db.pool, { priceMinor: 1250, stock: 10 });
  const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 2 }]);
  return { buyer, product, order };
}

describe('order placed', () => {
  test('when a buyer checks out, then they get one mail with the order, its total and the link to pay it, and the mail is recorded as SENT', async () => {
    const { buyer, order } = await orderAwaitingPayment();

    const [mail] = await smtp.server.waitFor(1, buyer.email);

    expect(mail.subject).toMatch(/^We have your order \(order #\d+\) - Test Shop$/);
    expect(mail.from).toBe('shop@shop.test');
    expect(mail.text).toContain(`Pay for it here: https://store.test/orders/${order.id}`);
    expect(mail.text).toContain('Total: $25.00');
    expect(mail.text).toMatch(/^Test Shop/);
    expect(mail.html).toContain(`<a href="https://store.test/orders/${order.id}">`);
    expect(mail.html).toContain('<h1 style="font-size: 1.3em">Test Shop</h1>');
    expect(await mailsSettled(shop.db.pool, `order:${order.id}:`, 1)).toEqual([
      expect.objectContaining({
        dedupeKey: `order:${order.id}:order_placed`,
        kind: 'order_placed',
        recipients: buyer.email,
        status: 'SENT',
        delivery: 'SMTP',
        attempts: 1,
      }),
    ]);
  });
});

describe('payment received, shipped, delivered', () => {
  test('when the order is paid, shipped by a carrier with a tracking link and delivered, then the buyer gets each mail once, with items, variant, address, shipping, tax and tracking', async () => {
    await shop.db.pool.query(`INSERT INTO carriers (name, tracking_url_template) VALUES ('TrackCo', 'https://track.test/p?n={tracking}')`);
    const method = await createShippingMethod(shop.db.pool, { countries: ['DE'], priceMinor: 490, name: 'Parcel DE' });
    await createTaxRate(shop.db.pool, 'DE', 190_000);
    const buyer = await createUser(shop.db.pool);
    const shirt = await createProductWithVariants(shop.db.pool, {
      title: 'T-shirt',
      priceMinor: 2000,
      stock: 10,
      options: [
        { name: 'Size', values: ['M'] },
        { name: 'Colour', values: ['Red'] },
      ],
    });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: shirt.variantId, quantity: 1 }]);
    const address = { recipientName: 'Erika Muster', phone: '+49 30 1234567', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' };
    const placed = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: address, shippingMethodId: method.id } }).expect(201);
    const orderId = placed.body.id;
    await smtp.server.waitFor(1, buyer.email);

    await payWithMock(shop, orderId, buyer.auth);
    const [, paid] = await smtp.server.waitFor(2, buyer.email);
    await asStaff('ship', orderId, { carrier: 'TrackCo', trackingNumber: 'TC 42/7' }).expect(200);
    const [, , shipped] = await smtp.server.waitFor(3, buyer.email);
    await asStaff('deliver', orderId).expect(200);
    const mails = await smtp.server.waitFor(4, buyer.email);

    expect(paid.subject).toMatch(/^Payment received \(order #\d+\)/);
    expect(paid.text).toContain('- T-shirt — M / Red x 1: $20.00');
    expect(paid.text).toContain('Shipping (Parcel DE): $4.90');
    expect(placed.body.taxMinor).toBeGreaterThan(0);
    expect(paid.text).toContain(`Tax: $${(placed.body.taxMinor / 100).toFixed(2)}`);
    expect(paid.text).toContain(`Total: $${(placed.body.totalMinor / 100).toFixed(2)}`);
    expect(paid.text).toContain('Erika Muster\nHauptstr. 1\n10115 Berlin\nDE');
    expect(shipped.subject).toMatch(/^Your order is on its way/);
    expect(shipped.text).toContain('Carrier: TrackCo. Tracking number: TC 42/7. Follow it here: https://track.test/p?n=TC%2042%2F7');
    expect(shipped.html).toContain('<a href="https://track.test/p?n&#x3D;TC%2042%2F7">'); // "=" as an entity: the same URL to a browser
    expect(mails[3].subject).toMatch(/^Your order was delivered/);
    expect((await mailsSettled(shop.db.pool, `order:${orderId}:`, 4)).map((m) => [m.kind, m.status])).toEqual(
      expect.arrayContaining([
        ['order_placed', 'SENT'],
        ['payment_received', 'SENT'],
        ['shipped', 'SENT'],
        ['delivered', 'SENT'],
      ]),
    );
  });
});

describe('cancelled, expired, refunded', () => {
  test('when the buyer cancels the order, then they get the cancelled mail', async () => {
    const { buyer, order } = await orderAwaitingPayment();
    await smtp.server.waitFor(1, buyer.email);

    await shop.request.post(`/api/orders/${order.id}/cancel`).set('Authorization', buyer.auth).expect(200);
    const mails = await smtp.server.waitFor(2, buyer.email);

    expect(mails.map((m) => m.subject.split(' (')[0])).toEqual(['We have your order', 'Your order was cancelled']);
    expect((await mailRows(shop.db.pool, `order:${order.id}:`)).map((m) => m.kind).sort()).toEqual(['cancelled', 'order_placed']);
  });

  test('when the order is not paid in time, then the expiry sends the expired mail', async () => {
    const { buyer, order } = await orderAwaitingPayment();
    await smtp.server.waitFor(1, buyer.email);
    await shop.db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = $1`, [order.id]);

    await expireOverdueOrders(shop.db.pool);
    const mails = await smtp.server.waitFor(2, buyer.email);

    expect(mails[1].subject).toMatch(/^Your order expired/);
    expect(mails[1].text).toContain('has expired');
  });

  test('when a refund is recorded (twice, as a replayed gateway event would), then the buyer gets one refund mail with the amount', async () => {
    const { buyer, order } = await orderAwaitingPayment();
    await smtp.server.waitFor(1, buyer.email);
    const paymentId = await payWithMock(shop, order.id, buyer.auth);
    await smtp.server.waitFor(2, buyer.email);
    const event = { paymentId, orderId: order.id, amountMinor: 2500, currency: 'USD' };

    await recordEvent(shop.db.pool, PAYMENT_REFUNDED, event);
    await recordEvent(shop.db.pool, PAYMENT_REFUNDED, event);
    const mails = await smtp.server.waitFor(3, buyer.email);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // time for a second one, if it came

    expect(smtp.server.to(buyer.email)).toHaveLength(3);
    expect(mails[2].subject).toMatch(/^Your refund \(order #\d+\)/);
    expect(mails[2].text).toContain('We refunded $25.00');
    expect(await mailRows(shop.db.pool, `payment:${paymentId}:`)).toEqual([expect.objectContaining({ kind: 'refunded', status: 'SENT', attempts: 1 })]);
  });
});

describe('partial refunds', () => {
  test('when staff refund part of a paid order, then the buyer gets "part of your order was refunded" with the amount, and the usual refund mail for the rest', async () => {
    const { buyer, order } = await orderAwaitingPayment();
    await smtp.server.waitFor(1, buyer.email);
    await payWithMock(shop, order.id, buyer.auth);
    await smtp.server.waitFor(2, buyer.email);

    const part = await asStaff('refund', order.id, { amountMinor: 1000 }).expect(200);
    const [, , partial] = await smtp.server.waitFor(3, buyer.email);

    expect(partial.subject).toMatch(/^Part of your order was refunded \(order #\d+\)/);
    expect(partial.text).toContain('We refunded $10.00 of order');
    expect(await mailRows(shop.db.pool, `refund:${part.body.refund.id}:`)).toEqual([expect.objectContaining({ kind: 'partially_refunded', status: 'SENT' })]);

    await asStaff('refund', order.id).expect(200);
    const mails = await smtp.server.waitFor(5, buyer.email);

    // the rest of the order is cancelled (unshipped) and refunded
    expect(
      mails
        .slice(3)
        .map((m) => m.subject.split(' (')[0])
        .sort(),
    ).toEqual(['Your order was cancelled', 'Your refund']);
    expect(mails.find((m) => m.subject.startsWith('Your refund'))!.text).toContain('We refunded $15.00');
  });
});

describe('cash on delivery', () => {
  test('when a buyer checks out with cash on delivery and the courier collects the cash, then they get the COD confirmed and COD delivered mails', async () => {
    const method = await createShippingMethod(shop.db.pool, { countries: ['BD'], priceMinor: 150, codEnabled: true, codFeeMinor: 50 });
    const buyer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { priceMinor: 1000, stock: 10, currency: 'USD' });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: product.variantId, quantity: 2 }]);
    const dhaka = { recipientName: 'Rahim Uddin', phone: '01712-345678', line1: 'House 12, Road 5', city: 'Dhaka', postalCode: '1205', country: 'BD' };
    const placed = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: dhaka, shippingMethodId: method.id, paymentMethod: 'cod' } }).expect(
      201,
    );

    const [confirmed] = await smtp.server.waitFor(1, buyer.email);
    await asStaff('ship', placed.body.id, { carrier: 'Pathao', trackingNumber: 'PT-1' }).expect(200);
    await smtp.server.waitFor(2, buyer.email);
    await asStaff('deliver', placed.body.id, { cashCollectedMinor: 2200 }).expect(200);
    const mails = await smtp.server.waitFor(3, buyer.email);

    expect(confirmed.subject).toMatch(/^Order confirmed: cash on delivery/);
    expect(confirmed.text).toContain('Please have $22.00 ready');
    expect(confirmed.text).toContain('Cash-on-delivery fee: $0.50');
    expect(mails[2].subject).toMatch(/^Delivered and paid/);
    expect(mails[2].text).toContain('we received $22.00 in cash');
    expect((await mailRows(shop.db.pool, `order:${placed.body.id}:`)).map((m) => m.kind).sort()).toEqual([
      'cod_confirmed',
      'cod_delivered',
      'new_order',
      'shipped',
    ]);
  });
});

describe('escaping', () => {
  test('when a product title and the shop name carry HTML, then the HTML part shows them as text and the text part as written', async () => {
    await setStoreMailSettings(shop.db.pool, { storeName: 'Bob <b>& Co</b>' });
    try {
      const buyer = await createUser(shop.db.pool);
      const product = await createProduct(shop.db.pool, { title: '<script>alert("x")</script> & <img src=x onerror=alert(1)>', stock: 5 });
      await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 1 }]);

      const [mail] = await smtp.server.waitFor(1, buyer.email);

      expect(mail.html).not.toContain('<script>');
      expect(mail.html).not.toContain('<img');
      expect(mail.html).not.toContain('<b>');
      expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(mail.html).toContain('Bob &lt;b&gt;&amp; Co&lt;/b&gt;');
      expect(mail.text).toContain('- <script>alert("x")</script> & <img src=x onerror=alert(1)> x 1');
      expect(mail.subject).toMatch(/ - Bob <b>& Co<\/b>$/);
    } finally {
      await setStoreMailSettings(shop.db.pool, { storeName: 'Test Shop' });
    }
  });
});
