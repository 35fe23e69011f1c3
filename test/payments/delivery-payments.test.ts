// Paying an order that ships: every gateway charges the order total and shows what it is made
// of (lines, shipping, tax) and where it goes; an order placed before delivery still pays.
import { signedDelivery } from '../helpers/fake-stripe.js';
import { createProduct, createUser } from '../helpers/fixtures.js';
import { checkoutAs, fillCart } from '../helpers/orders-fixtures.js';
import { createShippingMethod, createTaxRate, setStoreTax } from '../helpers/delivery-fixtures.js';
import {
  createDeliveredOrder,
  createPayableOrder,
  orderState,
  paymentsOf,
  SHIP_TO,
  startMockPayment,
  STOREFRONT,
  type PayableOrder,
} from '../helpers/payments-fixtures.js';
import { mockGatewayForms } from '../../src/payments/mock-gateway-page.js';
import type { GatewayOrder, GatewayPayment } from '../../src/payments/providers/provider.js';
import { checkoutCharges } from '../../src/payments/providers/stripe.js';
import { useTestShop } from '../helpers/test-app.js';

const shop = useTestShop({ fakeStripe: true, fakeSslcommerz: true, env: { ...STOREFRONT, PUBLIC_BASE_URL: 'http://shop.test' } });

afterEach(async () => {
  await setStoreTax(shop.db.pool, { pricesIncludeTax: false, taxShipping: false });
  await shop.db.pool.query('DELETE FROM tax_rates');
});

const NEW_YORK = {
  recipientName: 'Jane Doe',
  phone: '+12125550123',
  line1: '1 Main St',
  line2: null,
  city: 'New York',
  region: 'NY',
  postalCode: '10001',
  country: 'US',
};

const startPayment = (order: Pick<PayableOrder, 'orderId' | 'token'>, provider: string) =>
  shop.request.post(`/api/orders/${order.orderId}/payments`).set('Authorization', `Bearer ${order.token}`).send({ provider });

function deliverToWebhook(event: object) {
  const { payload, header } = signedDelivery(event);
  return shop.request.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload);
}

/** What the app sent to create the session, nested as Stripe reads its form (every value a string). */
const sessionRequest = (paymentId: string) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  shop.stripe.sessionRequests.find((r) => r.idempotencyKey === `checkout-session-${paymentId}`)!.body as Record<string, any>;

const orderTotal = async (orderId: string) =>
  (await shop.db.pool.query<{ total: number }>(`SELECT total_minor AS total FROM orders WHERE id = $1`, [orderId])).rows[0].total;

describe('Stripe Checkout for an order with delivery', () => {
  test('when prices exclude tax, then Stripe gets the lines, a Tax line and the shipping rate, its amount_total is the order total, and paying it marks the order PAID', async () => {
    // 2 x 25.00 + 12.99 = 62.99; 8.875% per line: 443.75 -> 444, 115.29 -> 115; shipping 5.00 untaxed
    const order = await createDeliveredOrder(shop.db.pool, {
      currency: 'USD',
      lines: [
        { title: 'T-shirt', variantTitle: 'M / Red', unitPriceMinor: 2500, quantity: 2 },
        { title: 'Mug', unitPriceMinor: 1299, quantity: 1 },
      ],
      address: NEW_YORK,
      methodName: 'Standard',
      shippingMinor: 500,
      ratePpm: 88_750,
      taxShipping: false,
      contactEmail: 'jane@example.test',
    });
    expect(order).toMatchObject({ subtotalMinor: 6299, shippingMinor: 500, taxMinor: 559, totalMinor: 6299 + 500 + 559 });

    const res = await startPayment(order, 'stripe').expect(201);

    const sent = sessionRequest(res.body.id);
    expect(sent.line_items).toEqual([
      { quantity: '1', price_data: { currency: 'usd', unit_amount: '1299', product_data: { name: 'Mug' } } },
      { quantity: '2', price_data: { currency: 'usd', unit_amount: '2500', product_data: { name: 'T-shirt — M / Red' } } },
      { quantity: '1', price_data: { currency: 'usd', unit_amount: '559', product_data: { name: 'Tax' } } },
    ]);
    expect(sent.shipping_options).toEqual([
      { shipping_rate_data: { type: 'fixed_amount', display_name: 'Standard', fixed_amount: { amount: '500', currency: 'usd' } } },
    ]);
    expect(sent.customer_email).toBe('jane@example.test');
    expect(sent.custom_text).toBeUndefined();
    expect(sent.payment_intent_data.shipping).toEqual({
      name: 'Jane Doe',
      phone: '+12125550123',
      address: { line1: '1 Main St', city: 'New York', state: 'NY', postal_code: '10001', country: 'US' },
    });
    const session = shop.stripe.sessionFor(res.body.id);
    expect(session).toMatchObject({ amount_subtotal: 6299 + 559, amount_total: 7358, total_details: { amount_shipping: 500, amount_tax: 0 } });
    expect(res.body.amountMinor).toBe(7358);
    expect(await orderTotal(order.orderId)).toBe(7358);

    await deliverToWebhook(shop.stripe.completed(res.body.id)).expect(200);

    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', amountMinor: 7358 })]);
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });

  test('when prices include tax, then the lines and the shipping rate hold it (no Tax line, a note says so) and amount_total is the order total', async () => {
    // 19% inside 11.90 = 1.90, inside shipping 5.95 = 0.95: total 17.85, of which 2.85 tax
    const order = await createDeliveredOrder(shop.db.pool, {
      currency: 'EUR',
      lines: [{ title: 'Hoodie', variantTitle: 'L', unitPriceMinor: 1190, quantity: 1 }],
      address: { ...NEW_YORK, country: 'DE', city: 'Berlin', region: null, postalCode: '10115', phone: '+4930123456' },
      methodName: 'DHL Paket',
      shippingMinor: 595,
      ratePpm: 190_000,
      taxIncluded: true,
      taxShipping: true,
    });
    expect(order).toMatchObject({ taxMinor: 285, totalMinor: 1785 });

    const res = await startPayment(order, 'stripe').expect(201);

    const sent = sessionRequest(res.body.id);
    expect(sent.line_items).toEqual([
      { quantity: '1', price_data: { currency: 'eur', unit_amount: '1190', product_data: { name: 'Hoodie — L', description: 'Includes 1.90 EUR tax' } } },
    ]);
    expect(sent.shipping_options[0].shipping_rate_data).toEqual({
      type: 'fixed_amount',
      display_name: 'DHL Paket',
      fixed_amount: { amount: '595', currency: 'eur' },
    });
    expect(sent.custom_text).toEqual({ submit: { message: 'Prices include 2.85 EUR tax.' } });
    expect(shop.stripe.sessionFor(res.body.id).amount_total).toBe(1785);
    expect((await paymentsOf(shop.db.pool, order.orderId))[0]).toMatchObject({ status: 'PENDING', amountMinor: 1785, currency: 'EUR' });
  });

  test('when a buyer checks out through the API by a paid method with tax on shipping, then the Stripe session charges exactly the checkout total', async () => {
    await setStoreTax(shop.db.pool, { pricesIncludeTax: false, taxShipping: true });
    await createTaxRate(shop.db.pool, 'US', 88_750, 'NY');
    const method = await createShippingMethod(shop.db.pool, { countries: ['US'], priceMinor: 799, name: 'Ground' });
    const buyer = await createUser(shop.db.pool);
    const shirt = await createProduct(shop.db.pool, { title: 'Shirt', priceMinor: 1999, stock: 10 });
    const cap = await createProduct(shop.db.pool, { title: 'Cap', priceMinor: 1, stock: 10 });
    await fillCart(shop.db.pool, buyer.id, [
      { variantId: shirt.variantId, quantity: 3 },
      { variantId: cap.variantId, quantity: 7 },
    ]);
    const placed = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: NEW_YORK, shippingMethodId: method.id } }).expect(201);

    const res = await startPayment({ orderId: placed.body.id, token: buyer.token }, 'stripe').expect(201);

    // lines 5997 -> 532.23 -> 532, 7 -> 0.62 -> 1; shipping 799 -> 70.91 -> 71
    expect(placed.body).toMatchObject({ subtotalMinor: 6004, shippingMinor: 799, taxMinor: 604, totalMinor: 7407 });
    expect(sessionRequest(res.body.id).line_items.map((l: { price_data: { product_data: { name: string } } }) => l.price_data.product_data.name)).toEqual([
      'Cap',
      'Shirt',
      'Tax',
    ]);
    expect(shop.stripe.sessionFor(res.body.id).amount_total).toBe(7407);
    expect(res.body.amountMinor).toBe(7407);
  });

  test('when the order was placed before delivery (no address), then Stripe gets its lines without shipping and the session charges the total', async () => {
    const order = await createPayableOrder(shop.db.pool, { unitPriceMinor: 2500, quantity: 2 });

    const res = await startPayment(order, 'stripe').expect(201);

    const sent = sessionRequest(res.body.id);
    expect(sent.line_items).toEqual([{ quantity: '2', price_data: { currency: 'usd', unit_amount: '2500', product_data: { name: expect.any(String) } } }]);
    expect(sent.shipping_options).toBeUndefined();
    expect(sent.payment_intent_data.shipping).toBeUndefined();
    expect(shop.stripe.sessionFor(res.body.id).amount_total).toBe(5000);
    await deliverToWebhook(shop.stripe.completed(res.body.id)).expect(200);
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });
});

describe('SSLCommerz for an order with delivery', () => {
  test('when the buyer starts paying, then the session carries the real name, contact, address and shipment, and the order total', async () => {
    const order = await createDeliveredOrder(shop.db.pool);

    const res = await startPayment(order, 'sslcommerz').expect(201);

    // 1000.00 + 350.50 + shipping 60.00 + 15% tax (150.00 + 52.58 + 9.00)
    expect(order.totalMinor).toBe(162_208);
    expect(shop.sslcommerz.sessionFields.get(res.body.id)).toMatchObject({
      total_amount: '1622.08',
      currency: 'BDT',
      product_name: 'Mug x1, T-shirt — M / Red x2',
      num_of_item: '3',
      product_profile: 'physical-goods',
      shipping_method: 'Dhaka courier',
      cus_name: 'Test Buyer',
      cus_email: 'rahim@example.test',
      cus_phone: '+8801812345678',
      cus_add1: SHIP_TO.line1,
      cus_add2: SHIP_TO.line2,
      cus_city: 'Dhaka',
      cus_state: 'Dhaka',
      cus_postcode: '1205',
      cus_country: 'Bangladesh',
      ship_name: 'Rahim Uddin',
      ship_add1: SHIP_TO.line1,
      ship_add2: SHIP_TO.line2,
      ship_city: 'Dhaka',
      ship_state: 'Dhaka',
      ship_postcode: '1205',
      ship_country: 'Bangladesh',
    });
    expect(JSON.stringify(shop.sslcommerz.sessionFields.get(res.body.id))).not.toMatch(/N\/A|customers\.invalid/);
    expect(res.body).toMatchObject({ status: 'PENDING', amountMinor: 162_208 });
  });

  test('when the address has no second line, region or postal code and the buyer has no name, then those fields are left out or neutral and the session starts', async () => {
    const order = await createDeliveredOrder(shop.db.pool, {
      address: { ...SHIP_TO, line2: null, region: null, postalCode: null, country: 'AE', city: 'Dubai', phone: '+971501234567' },
      contactPhone: null,
    });
    await shop.db.pool.query(`UPDATE users SET name = NULL WHERE id = $1`, [order.userId]);

    const res = await startPayment(order, 'sslcommerz').expect(201);

    const fields = shop.sslcommerz.sessionFields.get(res.body.id)!;
    expect(fields).toMatchObject({
      cus_name: 'Rahim Uddin',
      cus_phone: '+971501234567',
      cus_city: 'Dubai',
      cus_postcode: '0000',
      cus_country: 'United Arab Emirates',
      ship_postcode: '0000',
    });
    expect(Object.keys(fields).filter((k) => /add2|state/.test(k))).toEqual([]);
  });

  test('when the order was placed before delivery (no address), then the session has neutral placeholders, shipping_method NO, and the order still pays', async () => {
    const order = await createPayableOrder(shop.db.pool, { currency: 'BDT', unitPriceMinor: 50_000, quantity: 2 });

    const res = await startPayment(order, 'sslcommerz').expect(201);

    const fields = shop.sslcommerz.sessionFields.get(res.body.id)!;
    expect(fields).toMatchObject({ total_amount: '1000.00', shipping_method: 'NO', cus_name: 'Test Buyer', cus_add1: 'N/A', cus_country: 'Bangladesh' });
    expect(Object.keys(fields).filter((k) => k.startsWith('ship_'))).toEqual([]);
    await shop.request.post('/api/payments/sslcommerz/ipn').type('form').send(shop.sslcommerz.paid(res.body.id)).expect(200);
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });
});

describe('the mock gateway page for an order with delivery', () => {
  const openPage = (paymentId: string) => shop.request.get(`/mock-gateway/${paymentId}`).set('Accept', 'text/html');
  const cell = (html: string, id: string) => new RegExp(`<tr id="${id}"><th scope="row">([^<]*)</th><td>(?:<strong>)?([^<]*)`).exec(html)?.slice(1);

  test('when the buyer opens it, then it shows subtotal, shipping, tax added and the total, and where the order ships', async () => {
    const order = await createDeliveredOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const page = await openPage(paymentId).expect(200);

    expect(cell(page.text, 'subtotal')).toEqual(['Subtotal', '1350.50 BDT']);
    expect(cell(page.text, 'shipping')).toEqual(['Shipping (Dhaka courier)', '60.00 BDT']);
    expect(cell(page.text, 'tax')).toEqual(['Tax', '211.58 BDT']);
    expect(cell(page.text, 'total')).toEqual(['Total', '1622.08 BDT']);
    expect(page.text).toContain('<p id="ship-to">Ships to Dhaka, Bangladesh</p>');
    expect(mockGatewayForms(page.text).map((f) => f.button)).toEqual(['Pay', 'Fail', 'Cancel']);
  });

  test('when prices include tax, then the page says the tax is included and the total does not add it again', async () => {
    const order = await createDeliveredOrder(shop.db.pool, {
      currency: 'EUR',
      lines: [{ title: 'Hoodie', unitPriceMinor: 1190, quantity: 1 }],
      shippingMinor: 595,
      ratePpm: 190_000,
      taxIncluded: true,
    });
    const paymentId = await startMockPayment(shop, order);

    const page = await openPage(paymentId).expect(200);

    expect(cell(page.text, 'tax')).toEqual(['Tax (included in the prices)', '2.85 EUR']);
    expect(cell(page.text, 'total')).toEqual(['Total', '17.85 EUR']);
  });

  test('when the method name and the city hold markup, then the page shows them as text', async () => {
    const order = await createDeliveredOrder(shop.db.pool, {
      methodName: '<script>alert(1)</script>',
      address: { ...SHIP_TO, city: '"><img src=x onerror=alert(1)>' },
    });
    const paymentId = await startMockPayment(shop, order);

    const page = await openPage(paymentId).expect(200);

    expect(page.text).not.toMatch(/<script>|<img/);
    expect(page.text).toContain('Shipping (&#60;script&#62;alert(1)&#60;/script&#62;)');
    expect(page.text).toContain('Ships to &#34;&#62;&#60;img src=x onerror=alert(1)&#62;, Bangladesh');
  });

  test('when the order was placed before delivery, then the page shows the subtotal and total only and the order pays', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const page = await openPage(paymentId).expect(200);

    expect(cell(page.text, 'subtotal')).toEqual(['Subtotal', '25.00 USD']);
    expect(cell(page.text, 'total')).toEqual(['Total', '25.00 USD']);
    expect(page.text).not.toMatch(/id="(shipping|tax|ship-to)"/);
    const pay = mockGatewayForms(page.text).find((f) => f.button === 'Pay')!;
    await shop.request.post(pay.action).type('form').send(pay.fields).expect(303);
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });
});

describe('checkoutCharges: what a Stripe session is made of', () => {
  const payment = (amountMinor: number): GatewayPayment => ({ id: 'pay_1', orderId: 'ord_1', amountMinor, currency: 'USD', providerRef: null });
  const line = (unitPriceMinor: number, quantity: number, title = 'Thing') => ({
    title,
    variantTitle: null,
    unitPriceMinor,
    quantity,
    lineTotalMinor: unitPriceMinor * quantity,
    taxMinor: 0,
  });
  const order = (changes: Partial<GatewayOrder>): GatewayOrder => ({
    id: 'ord_1',
    number: 42,
    expiresAt: null,
    itemCount: 1,
    description: 'Thing x1',
    currency: 'USD',
    subtotalMinor: 1000,
    discountMinor: 0,
    shippingMinor: 0,
    codFeeMinor: 0,
    taxMinor: 0,
    shippingTaxMinor: 0,
    taxIncluded: false,
    totalMinor: 1000,
    lines: [line(1000, 1)],
    shipping: null,
    customer: { name: null, email: null, phone: null },
    ...changes,
  });
  const amounts = (charges: ReturnType<typeof checkoutCharges>) =>
    charges.line_items!.map((l) => [l.price_data!.product_data!.name, l.price_data!.unit_amount, l.quantity]);

  test('when there are more lines than Stripe takes (100), then the goods become one line for the subtotal and shipping and tax stay apart', () => {
    const lines = Array.from({ length: 100 }, (_, i) => line(10, 1, `Item ${i}`));
    const charges = checkoutCharges(
      payment(1000 + 300 + 90),
      order({ lines, subtotalMinor: 1000, shippingMinor: 300, taxMinor: 90, totalMinor: 1390, shipping: { methodName: 'Post', address: SHIP_TO } }),
    );

    expect(amounts(charges)).toEqual([
      ['Order #42', 1000, 1],
      ['Tax', 90, 1],
    ]);
    expect(charges.shipping_options![0].shipping_rate_data!.fixed_amount!.amount).toBe(300);
  });

  test('when the lines do not add up to the subtotal, then the goods become one line for the subtotal', () => {
    const charges = checkoutCharges(payment(900), order({ lines: [line(1000, 1)], subtotalMinor: 900, totalMinor: 900 }));

    expect(amounts(charges)).toEqual([['Order #42', 900, 1]]);
  });

  test('when the order carries a cash on delivery fee, then it is a line of its own', () => {
    const charges = checkoutCharges(payment(1150), order({ codFeeMinor: 150, totalMinor: 1150 }));

    expect(amounts(charges)).toEqual([
      ['Thing', 1000, 1],
      ['Cash on delivery fee', 150, 1],
    ]);
  });

  test('when the payment amount is not what the breakdown adds up to, then one line charges the payment amount', () => {
    const charges = checkoutCharges(payment(1234), order({}));

    expect(amounts(charges)).toEqual([['Order #42', 1234, 1]]);
    expect(charges.shipping_options).toBeUndefined();
  });
});
