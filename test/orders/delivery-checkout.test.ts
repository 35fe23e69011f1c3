// Checkout with delivery: the address, the shipping method and its price, tax, the contact, the
// quote that matches it, and the shipping options a storefront offers.
import { useTestShop } from '../helpers/test-app.js';
import { checkoutAs, fillCart, snapshot } from '../helpers/orders-fixtures.js';
import { createProduct, createUser, stockOf, type ProductFixture, type UserFixture } from '../helpers/fixtures.js';
import { createShippingMethod, createTaxRate, setStoreTax, TEST_ADDRESS } from '../helpers/delivery-fixtures.js';

const shop = useTestShop();

const DHAKA = {
  recipientName: 'Rahim Uddin',
  phone: '01712-345678',
  line1: 'House 12, Road 5',
  city: 'Dhaka',
  region: 'Dhaka',
  postalCode: '1205',
  country: 'BD',
};

const quoteAs = (person: UserFixture, body: object) => shop.request.post('/api/checkout/quote').set('Authorization', person.auth).send(body);

/** A buyer whose cart holds `lines` of new products at these prices (quantity 1 unless given). */
async function buyerWithCart(prices: (number | [number, number])[]): Promise<{ buyer: UserFixture; products: ProductFixture[] }> {
  const buyer = await createUser(shop.db.pool);
  const products: ProductFixture[] = [];
  for (const price of prices) products.push(await createProduct(shop.db.pool, { priceMinor: Array.isArray(price) ? price[0] : price, stock: 10 }));
  await fillCart(
    shop.db.pool,
    buyer.id,
    products.map((p, i) => ({ variantId: p.variantId, quantity: Array.isArray(prices[i]) ? (prices[i] as [number, number])[1] : 1 })),
  );
  return { buyer, products };
}

const orderRow = async (id: string) =>
  (
    await shop.db.pool.query(
      `SELECT subtotal_minor, shipping_minor, tax_minor, shipping_tax_minor, tax_included, total_minor, shipping_method_name, contact_email, contact_phone,
              shipping_address, (SELECT array_agg(tax_minor ORDER BY unit_price_minor) FROM order_items WHERE order_id = o.id) AS line_taxes
         FROM orders o WHERE id = $1`,
      [id],
    )
  ).rows[0];

afterEach(async () => {
  await setStoreTax(shop.db.pool, { pricesIncludeTax: false, taxShipping: false });
  await shop.db.pool.query('DELETE FROM tax_rates');
});

describe('POST /api/checkout with delivery', () => {
  test('when a buyer checks out to an address by a paid method with tax, then the order snapshots the address, contact, method and every amount', async () => {
    const method = await createShippingMethod(shop.db.pool, { countries: ['BD'], priceMinor: 600, name: 'Dhaka courier' });
    await createTaxRate(shop.db.pool, 'BD', 150_000); // 15% VAT
    const { buyer, products } = await buyerWithCart([[1000, 2], 333]);

    const res = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: DHAKA, shippingMethodId: method.id } }).expect(201);

    // lines: 2000 -> 300 tax, 333 -> 49.95 -> 50; shipping not taxed
    expect(res.body).toMatchObject({
      subtotalMinor: 2333,
      shippingMinor: 600,
      taxMinor: 350,
      taxIncluded: false,
      totalMinor: 2333 + 600 + 350,
      shippingAddress: { ...DHAKA, phone: '+8801712345678', line2: null },
      contact: { email: buyer.email, phone: '+8801712345678' },
      shippingMethod: { id: method.id, name: 'Dhaka courier', priceMinor: 600 },
    });
    expect(res.body.items.map((i: { variantId: string; taxMinor: number }) => [i.variantId, i.taxMinor]).sort()).toEqual(
      [
        [products[0].variantId, 300],
        [products[1].variantId, 50],
      ].sort(),
    );
    expect(await orderRow(res.body.id)).toMatchObject({
      subtotal_minor: 2333,
      shipping_minor: 600,
      tax_minor: 350,
      shipping_tax_minor: 0,
      tax_included: false,
      total_minor: 3283,
      shipping_method_name: 'Dhaka courier',
      contact_email: buyer.email,
      line_taxes: [50, 300],
    });
  });

  test('when the address comes from the address book, then it is copied onto the order; a later edit of the book leaves the order alone', async () => {
    const { buyer } = await buyerWithCart([1000]);
    const saved = await shop.request.post('/api/me/addresses').set('Authorization', buyer.auth).send(TEST_ADDRESS).expect(201);

    const res = await checkoutAs(shop.request, buyer, {
      body: { addressId: saved.body.id, phone: '+44 20 7946 0018', email: 'other@example.test' },
      delivery: { shippingMethodId: (await createShippingMethod(shop.db.pool, { countries: ['US'], priceMinor: 0 })).id },
    }).expect(201);
    await shop.request.patch(`/api/me/addresses/${saved.body.id}`).set('Authorization', buyer.auth).send({ line1: '99 Other St' }).expect(200);

    const later = await shop.request.get(`/api/orders/${res.body.id}`).set('Authorization', buyer.auth).expect(200);
    expect(later.body.shippingAddress).toMatchObject({ line1: '1 Main St', city: 'New York', country: 'US', phone: '+12125550123' });
    expect(later.body.contact).toEqual({ email: 'other@example.test', phone: '+442079460018' });
  });

  test('when free shipping starts at 5000, then a subtotal of 4999 pays for shipping and one of exactly 5000 does not', async () => {
    const method = await createShippingMethod(shop.db.pool, { countries: ['BD'], priceMinor: 700, freeOverMinor: 5000 });
    const below = await buyerWithCart([4999]);
    const at = await buyerWithCart([5000]);
    const delivery = { shippingAddress: DHAKA, shippingMethodId: method.id };

    const belowQuote = await quoteAs(below.buyer, delivery).expect(200);
    const atQuote = await quoteAs(at.buyer, delivery).expect(200);
    const placed = await checkoutAs(shop.request, at.buyer, { delivery }).expect(201);

    expect([belowQuote.body.shippingMinor, belowQuote.body.totalMinor]).toEqual([700, 5699]);
    expect([atQuote.body.shippingMinor, atQuote.body.totalMinor]).toEqual([0, 5000]);
    expect(placed.body).toMatchObject({ shippingMinor: 0, totalMinor: 5000, shippingMethod: { priceMinor: 0 } });
  });

  test('when catalog prices include tax and shipping is taxed, then the tax is inside the prices and the total is subtotal plus shipping', async () => {
    await setStoreTax(shop.db.pool, { pricesIncludeTax: true, taxShipping: true });
    await createTaxRate(shop.db.pool, 'DE', 190_000);
    await createTaxRate(shop.db.pool, 'DE', 70_000, 'Helgoland'); // a region's own rate wins
    const method = await createShippingMethod(shop.db.pool, { countries: ['DE'], priceMinor: 595 });
    const { buyer } = await buyerWithCart([1190, 2380]);
    const berlin = { recipientName: 'Anna', phone: '+49 30 901820', line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'DE' };

    const mainland = await quoteAs(buyer, { shippingAddress: berlin, shippingMethodId: method.id }).expect(200);
    const island = await quoteAs(buyer, { shippingAddress: { ...berlin, region: 'helgoland', postalCode: '27498' }, shippingMethodId: method.id }).expect(200);

    // 19% inside: 1190 -> 190, 2380 -> 380, shipping 595 -> 95
    expect(mainland.body).toMatchObject({ subtotalMinor: 3570, shippingMinor: 595, taxMinor: 665, shippingTaxMinor: 95, taxIncluded: true, totalMinor: 4165 });
    expect(mainland.body.lines.map((l: { taxMinor: number }) => l.taxMinor)).toEqual([190, 380]);
    // 7% inside: 1190 -> 77.85 -> 78, 2380 -> 155.70 -> 156, 595 -> 38.93 -> 39
    expect(island.body).toMatchObject({ taxMinor: 78 + 156 + 39, totalMinor: 4165 });
  });

  test('when staff change the method price while a buyer checks out with the quoted total, then 409 CART_CHANGED and no order; the placed order never changes later', async () => {
    const method = await createShippingMethod(shop.db.pool, { countries: ['BD'], priceMinor: 600 });
    const { buyer, products } = await buyerWithCart([1000]);
    const delivery = { shippingAddress: DHAKA, shippingMethodId: method.id };
    const { body: quoted } = await quoteAs(buyer, delivery).expect(200);
    await shop.db.pool.query(`UPDATE shipping_methods SET price_minor = 900 WHERE id = $1`, [method.id]);
    const ids = { userIds: [buyer.id], variantIds: [products[0].variantId] };
    const before = await snapshot(shop.db.pool, ids);

    const stale = await checkoutAs(shop.request, buyer, { delivery, body: { expectedTotalMinor: quoted.totalMinor } }).expect(409);

    expect(stale.body).toMatchObject({ code: 'CART_CHANGED', expectedTotalMinor: 1600, totalMinor: 1900 });
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
    const placed = await checkoutAs(shop.request, buyer, { delivery, body: { expectedTotalMinor: 1900 } }).expect(201);
    await shop.db.pool.query(`UPDATE shipping_methods SET price_minor = 50 WHERE id = $1`, [method.id]);
    await createTaxRate(shop.db.pool, 'BD', 150_000);
    const later = await shop.request.get(`/api/orders/${placed.body.id}`).set('Authorization', buyer.auth).expect(200);
    expect(later.body).toMatchObject({ shippingMinor: 900, taxMinor: 0, totalMinor: 1900 });
    expect(await stockOf(shop.db.pool, products[0])).toBe(9);
  });

  describe('refusals: 422 and nothing changes', () => {
    test.each([
      ['no address', { shippingMethodId: 'method' }, 'SHIPPING_ADDRESS_REQUIRED'],
      ['no shipping method', { shippingAddress: DHAKA }, 'SHIPPING_METHOD_REQUIRED'],
      [
        'a method that does not deliver to the country',
        { shippingAddress: { ...DHAKA, country: 'IN', postalCode: '110001', phone: '+91 98765 43210' } },
        'SHIPPING_METHOD_UNAVAILABLE',
      ],
      ['an inactive method', { active: false }, 'SHIPPING_METHOD_UNAVAILABLE'],
      ['a subtotal under the method minimum', { minSubtotalMinor: 1001 }, 'SHIPPING_METHOD_UNAVAILABLE'],
      ['a subtotal over the method maximum', { maxSubtotalMinor: 999 }, 'SHIPPING_METHOD_UNAVAILABLE'],
      ['an unknown method', { shippingMethodId: '00000000-0000-4000-8000-000000000000' }, 'SHIPPING_METHOD_UNAVAILABLE'],
    ])('when the checkout has %s, then 422 %s, for checkout and quote alike', async (_case, variation, code) => {
      const { active, minSubtotalMinor, maxSubtotalMinor, ...body } = variation as Record<string, unknown>;
      const method = await createShippingMethod(shop.db.pool, {
        countries: ['BD'],
        active: active as boolean | undefined,
        minSubtotalMinor: minSubtotalMinor as number | undefined,
        maxSubtotalMinor: maxSubtotalMinor as number | undefined,
      });
      const { buyer, products } = await buyerWithCart([1000]);
      const delivery = { shippingAddress: DHAKA, shippingMethodId: method.id, ...body };
      if (delivery.shippingMethodId === 'method') delivery.shippingMethodId = method.id;
      if (code === 'SHIPPING_ADDRESS_REQUIRED') delete (delivery as Partial<typeof delivery>).shippingAddress;
      if (code === 'SHIPPING_METHOD_REQUIRED') delete (delivery as Partial<typeof delivery>).shippingMethodId;
      const ids = { userIds: [buyer.id], variantIds: [products[0].variantId] };
      const before = await snapshot(shop.db.pool, ids);

      const placed = await checkoutAs(shop.request, buyer, { delivery }).expect(422);
      const quoted = await quoteAs(buyer, delivery).expect(422);

      expect([placed.body.code, quoted.body.code]).toEqual([code, code]);
      expect(placed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await snapshot(shop.db.pool, ids)).toEqual(before);
    });

    test.each([
      ['both an address and an addressId', { addressId: '00000000-0000-4000-8000-000000000001' }, 'addressId'],
      ['an address with a bad country', { shippingAddress: { ...DHAKA, country: 'ZZ' } }, 'shippingAddress.country'],
      ['an address with a phone invalid there', { shippingAddress: { ...DHAKA, phone: '12' } }, 'shippingAddress.phone'],
      ['a contact phone invalid in the address country', { phone: '555' }, 'phone'],
      ['a contact email that is not one', { email: 'not-an-email' }, 'email'],
      ['a method id that is not a UUID', { shippingMethodId: 'standard' }, 'shippingMethodId'],
    ])('when the body has %s, then 400 naming the field and nothing changes', async (_case, change, field) => {
      const method = await createShippingMethod(shop.db.pool, { countries: ['BD'] });
      const { buyer, products } = await buyerWithCart([1000]);
      const ids = { userIds: [buyer.id], variantIds: [products[0].variantId] };
      const before = await snapshot(shop.db.pool, ids);

      const res = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: DHAKA, shippingMethodId: method.id }, body: change }).expect(400);

      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(await snapshot(shop.db.pool, ids)).toEqual(before);
    });

    test("when the addressId is another customer's, then 404 and nothing changes", async () => {
      const stranger = await createUser(shop.db.pool);
      const theirs = await shop.request.post('/api/me/addresses').set('Authorization', stranger.auth).send(DHAKA).expect(201);
      const method = await createShippingMethod(shop.db.pool, { countries: ['BD'] });
      const { buyer, products } = await buyerWithCart([1000]);
      const ids = { userIds: [buyer.id], variantIds: [products[0].variantId] };
      const before = await snapshot(shop.db.pool, ids);

      const res = await checkoutAs(shop.request, buyer, { delivery: { addressId: theirs.body.id, shippingMethodId: method.id } }).expect(404);

      expect(res.body.code).toBe('NOT_FOUND');
      expect(await snapshot(shop.db.pool, ids)).toEqual(before);
    });
  });

  test('when the order total would not be the sum of its parts, then the database refuses it', async () => {
    const buyer = await createUser(shop.db.pool);

    await expect(
      shop.db.pool.query(
        `INSERT INTO orders (user_id, currency, subtotal_minor, shipping_minor, tax_minor, total_minor, item_count) VALUES ($1, 'USD', 1000, 500, 150, 1500, 1)`,
        [buyer.id],
      ),
    ).rejects.toThrow(/orders_total_is_sum_of_parts/);
  });
});

describe('POST /api/checkout/quote', () => {
  test('when quoted, then the amounts equal what checkout then charges, and the quote changed nothing', async () => {
    await createTaxRate(shop.db.pool, 'BD', 50_000);
    const method = await createShippingMethod(shop.db.pool, { countries: ['BD'], priceMinor: 250 });
    const { buyer, products } = await buyerWithCart([50, 70, [30, 3]]); // 2.5 -> 2, 3.5 -> 4, 4.5 -> 4
    const delivery = { shippingAddress: DHAKA, shippingMethodId: method.id };
    const ids = { userIds: [buyer.id], variantIds: products.map((p) => p.variantId) };
    const before = await snapshot(shop.db.pool, ids);

    const quoted = await quoteAs(buyer, delivery).expect(200);
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
    const placed = await checkoutAs(shop.request, buyer, { delivery, body: { expectedTotalMinor: quoted.body.totalMinor } }).expect(201);

    expect(quoted.body).toMatchObject({ subtotalMinor: 210, shippingMinor: 250, taxMinor: 10, taxIncluded: false, totalMinor: 470, itemCount: 5 });
    expect(quoted.body.lines.map((l: { taxMinor: number }) => l.taxMinor)).toEqual([2, 4, 4]);
    for (const key of ['subtotalMinor', 'shippingMinor', 'taxMinor', 'taxIncluded', 'totalMinor', 'itemCount'])
      expect(placed.body[key]).toEqual(quoted.body[key]);
  });

  test('when the cart is empty or nobody is signed in, then 422 CART_EMPTY or 401', async () => {
    const buyer = await createUser(shop.db.pool);
    const method = await createShippingMethod(shop.db.pool, { countries: ['BD'] });

    const empty = await quoteAs(buyer, { shippingAddress: DHAKA, shippingMethodId: method.id }).expect(422);
    await shop.request.post('/api/checkout/quote').send({ shippingAddress: DHAKA, shippingMethodId: method.id }).expect(401);

    expect(empty.body.code).toBe('CART_EMPTY');
  });
});

describe('GET /api/shipping-options', () => {
  test("when a signed-in buyer asks for a country, then that country's active methods, in order, priced for the buyer's cart", async () => {
    const country = 'AE'; // no other test's zone holds it but the test delivery zone
    const express = await createShippingMethod(shop.db.pool, { countries: [country], priceMinor: 1500, position: 2, name: 'Express' });
    const standard = await createShippingMethod(shop.db.pool, { countries: [country], priceMinor: 500, freeOverMinor: 3000, position: 1, name: 'Standard' });
    await createShippingMethod(shop.db.pool, { countries: [country], active: false, position: 0 });
    await createShippingMethod(shop.db.pool, { countries: [country], maxSubtotalMinor: 2000, position: 0 });
    const { buyer } = await buyerWithCart([3500]);

    const signedIn = await shop.request.get('/api/shipping-options').query({ country: 'ae' }).set('Authorization', buyer.auth).expect(200);
    const anonymous = await shop.request.get('/api/shipping-options').query({ country }).expect(200);

    const mine = (body: { items: { id: string; priceMinor: number }[] }) =>
      body.items.filter((m) => [standard.id, express.id].includes(m.id)).map((m) => [m.id, m.priceMinor]);
    expect(signedIn.body).toMatchObject({ country, subtotalMinor: 3500 });
    expect(mine(signedIn.body)).toEqual([
      [standard.id, 0],
      [express.id, 1500],
    ]);
    expect(mine(anonymous.body)).toEqual([
      [standard.id, 500],
      [express.id, 1500],
    ]);
    expect(signedIn.body.items.find((m: { id: string }) => m.id === standard.id)).toEqual({
      id: standard.id,
      name: 'Standard',
      zone: expect.any(String),
      carrier: null,
      priceMinor: 0,
      basePriceMinor: 500,
      freeOverMinor: 3000,
      minDeliveryDays: null,
      maxDeliveryDays: null,
      codAvailable: false,
      codFeeMinor: 0,
    });
    expect(anonymous.body.items.map((m: { id: string }) => m.id)).toHaveLength(4); // the 2000-max method takes an empty cart; the test delivery too
  });

  test.each([[{}], [{ country: 'ZZ' }], [{ country: 'BGD' }], [{ country: 'BD', extra: '1' }]])(
    'when the query is %p, then 400 naming the field',
    async (query) => {
      const res = await shop.request.get('/api/shipping-options').query(query).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    },
  );
});
