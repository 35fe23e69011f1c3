// Orders and their delivery in the staff panel: the order page's address, contact, method and
// amounts; the printable packing slip; the "to ship" list filtered by method and zone.
import supertest from 'supertest';
import { uniqueId } from '../helpers/test-app.js';
import { adminApi, panelPerFile, setOrderDelivery } from '../helpers/admin-fixtures.js';
import { createShippingMethod, TEST_ADDRESS } from '../helpers/delivery-fixtures.js';
import { createOrder, createProduct, createProductWithVariants, createUser } from '../helpers/fixtures.js';

const panel = panelPerFile();
const pool = () => panel.shop.db.pool;
const ids = (res: { body: { records: { id: string }[] } }) => res.body.records.map((r) => r.id).sort();

async function paidOrder(quantity = 2) {
  const product = await createProduct(pool(), { title: 'Ethiopia Guji 250g', priceMinor: 1650, stock: 50 });
  const customer = await createUser(pool());
  const order = await createOrder(pool(), { userId: customer.id, status: 'PAID', lines: [{ product, quantity }] });
  return { ...order, product, customer };
}

const slip = (orderId: string) => `/admin/orders/${orderId}/packing-slip`;

describe('the order page', () => {
  test('when staff open an order placed with delivery, then it shows the address, contact, method and amounts, with tax per line', async () => {
    const method = await createShippingMethod(pool(), { countries: ['US'], name: uniqueId('Express'), priceMinor: 999 });
    const order = await paidOrder(2);
    await setOrderDelivery(pool(), order.id, {
      address: { ...TEST_ADDRESS, line2: 'Apt 4', phone: '+12125550123' },
      email: 'buyer@shop.test',
      phone: '+12125550123',
      method: { id: method.id, name: method.name },
      shippingMinor: 999,
      taxMinor: 381,
      taxIncluded: false,
    });

    const res = await panel.staff.get(adminApi.recordAction('Order', order.id, 'show')).expect(200);

    const { orderDetails, params, populated } = res.body.record;
    expect(orderDetails).toMatchObject({
      shippingAddress: { recipientName: 'Test Buyer', line1: '1 Main St', line2: 'Apt 4', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' },
      contact: { email: 'buyer@shop.test', phone: '+12125550123' },
      shippingMethod: { id: method.id, name: method.name, priceMinor: 999 },
      subtotalMinor: 3300,
      shippingMinor: 999,
      taxMinor: 381,
      taxIncluded: false,
      totalMinor: 3300 + 999 + 381,
    });
    expect(orderDetails.items).toEqual([expect.objectContaining({ sku: order.product.sku, quantity: 2, taxMinor: 381 })]);
    expect(params).toMatchObject({ shippingMethod: method.id, shippingMinor: 999, taxMinor: 381, totalMinor: 4680 });
    expect(populated.shippingMethod.title).toBe(method.name); // the reference works again: the method is a panel resource
  });

  test('when the order’s prices included tax, then its total does not add the tax again', async () => {
    const order = await paidOrder(1);
    await setOrderDelivery(pool(), order.id, { address: TEST_ADDRESS, method: { id: null, name: 'Old method' }, taxMinor: 150, taxIncluded: true });

    const res = await panel.staff.get(adminApi.recordAction('Order', order.id, 'show')).expect(200);

    expect(res.body.record.orderDetails).toMatchObject({ taxIncluded: true, taxMinor: 150, subtotalMinor: 1650, totalMinor: 1650 });
    expect(res.body.record.orderDetails.shippingMethod).toEqual({ id: null, name: 'Old method', priceMinor: 0 });
  });

  test('when staff open an order placed before delivery existed, then it has no address, contact or method (the page says so)', async () => {
    const order = await paidOrder(1);

    const res = await panel.staff.get(adminApi.recordAction('Order', order.id, 'show')).expect(200);

    expect(res.body.record.orderDetails).toMatchObject({ shippingAddress: null, contact: { email: null, phone: null }, shippingMethod: null });
    expect(res.body.record.params.shippingMethod ?? null).toBeNull();
  });
});

describe('the packing slip', () => {
  test('when staff open an order’s packing slip, then it has the order number, date, ship-to address, phone, method and each line (SKU, title with options, quantity)', async () => {
    const tee = await createProductWithVariants(pool(), {
      title: 'Coffee Crew T-shirt',
      options: [{ name: 'Size', values: ['S', 'M'] }],
      variants: [{ optionValues: { Size: 'S' } }, { optionValues: { Size: 'M' } }],
    });
    const customer = await createUser(pool());
    const medium = { id: tee.id, variantId: tee.variants[1].id, sku: tee.variants[1].sku, title: tee.title, priceMinor: tee.variants[1].priceMinor };
    const order = await createOrder(pool(), { userId: customer.id, status: 'PAID', lines: [{ product: medium, quantity: 3 }] });
    await pool().query(`UPDATE order_items SET variant_title = 'M' WHERE order_id = $1`, [order.id]);
    const method = await createShippingMethod(pool(), { countries: ['US'], name: 'Ground (3-5 days)' });
    await setOrderDelivery(pool(), order.id, {
      address: { ...TEST_ADDRESS, line2: null },
      phone: '+12125550123',
      method: { id: method.id, name: method.name },
    });

    const res = await panel.staff.get(slip(order.id)).expect(200);

    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain(`Packing slip — order ${order.number}`);
    expect(res.text).toMatch(/Placed \d{1,2} \w+ \d{4}/);
    expect(res.text).toContain('<address data-testid="ship-to">Test Buyer<br>1 Main St<br>New York NY 10001<br>United States of America</address>');
    expect(res.text).toContain('<p data-testid="phone">+12125550123</p>');
    expect(res.text).toContain('<p data-testid="method">Ground (3-5 days)</p>');
    expect(res.text).toContain(`<tr><td>${medium.sku}</td><td>Coffee Crew T-shirt — M</td><td class="qty">3</td></tr>`);
    expect(res.text).not.toMatch(/\$|USD/); // no prices on a packing slip
  });

  test('when the slip is served, then its policy allows no inline script (its Print button is wired by a script file from the panel), and print hides the buttons', async () => {
    const order = await paidOrder(1);

    const res = await panel.staff.get(slip(order.id)).expect(200);
    const script = await panel.staff.get('/admin/packing-slip.js').expect(200);

    const policy = res.headers['content-security-policy'];
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline'[^;]*;?\s*$|script-src[^;]*unsafe-inline/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect([...res.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1])).toEqual([' src="/admin/packing-slip.js"']);
    expect(res.text).toMatch(/@media print\{\.actions\{display:none\}/);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.text).toContain('window.print()');
  });

  test('when an address holds HTML, then the slip shows it as text', async () => {
    const order = await paidOrder(1);
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    await setOrderDelivery(pool(), order.id, {
      address: { ...TEST_ADDRESS, recipientName: hostile, line1: `1 "Main" St & 'Co'\nwindow.THEME = {;`, city: '</address>' },
      phone: '<b>555</b>',
      method: { id: null, name: '<i>Express</i>' },
    });

    const res = await panel.staff.get(slip(order.id)).expect(200);

    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('<img');
    expect(res.text).not.toContain('<b>555');
    expect(res.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;&#60;img src=x onerror=alert(2)&#62;');
    expect(res.text).toContain('1 &#34;Main&#34; St &#38; &#39;Co&#39; window.THEME = {;');
    expect(res.text).toContain('&#60;i&#62;Express&#60;/i&#62;');
    expect(res.text.match(/<\/address>/g)).toHaveLength(1);
  });

  test('when an order has no address (placed before delivery existed), then the slip says so plainly', async () => {
    const order = await paidOrder(1);

    const res = await panel.staff.get(slip(order.id)).expect(200);

    expect(res.text).toContain('No shipping address: this order was placed before the shop took delivery details.');
    expect(res.text).toContain('<p data-testid="method">—</p>');
    expect(res.text).toContain(order.product.sku);
  });

  test('when someone without a staff session asks for a slip, then they are sent to sign in and see nothing of the order', async () => {
    const order = await paidOrder(1);
    await setOrderDelivery(pool(), order.id, { address: TEST_ADDRESS });

    const res = await supertest(panel.shop.app).get(slip(order.id));
    const customer = await supertest(panel.shop.app).get(slip(order.id)).set('Cookie', 'shop.staff=s%3Aforged.session');

    for (const answer of [res, customer]) {
      expect(answer.status).toBe(302);
      expect(answer.headers.location).toBe('/admin/login');
      expect(answer.text).not.toContain('Test Buyer');
    }
  });

  test('when the order does not exist or the id is malformed, then the slip is a 404 page', async () => {
    const missing = await panel.staff.get(slip('00000000-0000-4000-8000-000000000000')).expect(404);
    const malformed = await panel.staff.get(slip('not-an-order')).expect(404);

    expect(missing.text).toContain('Order not found');
    expect(malformed.text).toContain('Order not found');
  });
});

describe('the orders to ship, by method and zone', () => {
  test('when staff filter paid orders by shipping method or by zone, then only the orders shipped that way come back', async () => {
    const bangladesh = await createShippingMethod(pool(), { countries: ['BD'], name: 'Dhaka courier' });
    const express = await createShippingMethod(pool(), { countries: ['US'], name: 'US express' });
    // a second method in the US zone
    const { rows } = await pool().query<{ id: string }>(`INSERT INTO shipping_methods (zone_id, name, price_minor) VALUES ($1, 'US ground', 0) RETURNING id`, [
      express.zoneId,
    ]);
    const ground = { id: rows[0].id, name: 'US ground' };
    const [a, b, c, shipped, old] = await Promise.all([paidOrder(), paidOrder(), paidOrder(), paidOrder(), paidOrder()]);
    await setOrderDelivery(pool(), a.id, { address: TEST_ADDRESS, method: express });
    await setOrderDelivery(pool(), b.id, { address: TEST_ADDRESS, method: ground });
    await setOrderDelivery(pool(), c.id, { address: { ...TEST_ADDRESS, country: 'BD' }, method: bangladesh });
    await setOrderDelivery(pool(), shipped.id, { address: TEST_ADDRESS, method: express });
    await pool().query(`UPDATE orders SET status = 'SHIPPED' WHERE id = $1`, [shipped.id]);
    void old; // placed before delivery existed: no method, so in no zone

    const byMethod = await panel.staff.get(adminApi.list('Order', `filters.status=PAID&filters.shippingMethod=${express.id}`)).expect(200);
    const byZone = await panel.staff.get(adminApi.list('Order', `filters.status=PAID&filters.zone=${express.zoneId}`)).expect(200);
    const allInZone = await panel.staff.get(adminApi.list('Order', `filters.zone=${express.zoneId}`)).expect(200);
    const otherZone = await panel.staff.get(adminApi.list('Order', `filters.zone=${bangladesh.zoneId}&filters.shippingMethod=${bangladesh.id}`)).expect(200);

    expect(ids(byMethod)).toEqual([a.id]);
    expect(ids(byZone)).toEqual([a.id, b.id].sort());
    expect(byZone.body.meta.total).toBe(2);
    expect(ids(allInZone)).toEqual([a.id, b.id, shipped.id].sort());
    expect(ids(otherZone)).toEqual([c.id]);
    expect(byMethod.body.records[0].populated.shippingMethod.title).toBe(express.name);
  });

  test('when a filter value is no id, or names no property, then the list answers (nothing matches, or the filter is ignored), never a crash', async () => {
    const order = await paidOrder(1);

    const badZone = await panel.staff.get(adminApi.list('Order', 'filters.zone=not-a-zone')).expect(200);
    const badMethod = await panel.staff.get(adminApi.list('Order', 'filters.shippingMethod=DROP%20TABLE')).expect(200);
    const unknown = await panel.staff.get(adminApi.list('Order', `filters.nonsense=1&filters.user=${order.customer.id}`)).expect(200);
    const badShow = await panel.staff.get(adminApi.recordAction('Order', 'not-an-id', 'show'));
    const badOthers = await Promise.all(
      [
        'filters.number=abc',
        'filters.number=99999999999',
        'filters.createdAt~~from=yesterday',
        `filters.user=${order.customer.id}&filters.paidAt~~to=soon`,
      ].map((query) => panel.staff.get(adminApi.list('Order', query))),
    );
    const badFlag = await panel.staff.get(adminApi.list('ShippingMethod', 'filters.active=maybe'));

    expect(badZone.body.records).toEqual([]);
    expect(badMethod.body.records).toEqual([]);
    expect(ids(unknown)).toEqual([order.id]);
    expect(badShow.status).toBeLessThan(500);
    for (const res of [...badOthers, badFlag]) expect({ status: res.status, records: res.body.records }).toEqual({ status: 200, records: [] });
  });
});
