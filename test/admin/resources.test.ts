import { uniqueId } from '../helpers/test-app.js';
import { adminApi, catalogOf, createStaff, panelPerFile } from '../helpers/admin-fixtures.js';
import { createCategory, createOrder, createProduct, createProductWithVariants, createUser } from '../helpers/fixtures.js';

const panel = panelPerFile();

const productBySlug = async (slug: string) =>
  (
    await panel.shop.db.pool.query(
      `SELECT id, slug, title, currency, category_id AS "categoryId", price_min_minor AS "priceMinMinor", price_max_minor AS "priceMaxMinor"
         FROM products WHERE slug = $1`,
      [slug],
    )
  ).rows[0];
const counts = async () =>
  (
    await panel.shop.db.pool.query<{ products: number; variants: number }>(
      `SELECT (SELECT COUNT(*)::int FROM products) AS products, (SELECT COUNT(*)::int FROM product_variants) AS variants`,
    )
  ).rows[0];

/** The new product form with its first variant (SKU, price, stock). */
function newProductForm(overrides: Record<string, string> = {}) {
  const sku = uniqueId('SKU').toUpperCase();
  return {
    sku,
    slug: sku.toLowerCase().replace(/_/g, '-'),
    title: `Panel product ${sku}`,
    priceMinor: '1999',
    currency: 'USD',
    stock: '7',
    active: 'true',
    ...overrides,
  };
}

describe('list API of each resource', () => {
  test('when staff list every resource, then each answers with its records', async () => {
    const category = await createCategory(panel.shop.db.pool);
    const product = await createProduct(panel.shop.db.pool);
    const tee = await createProductWithVariants(panel.shop.db.pool, { options: [{ name: 'Size', values: ['S', 'M'] }] });
    const option = await panel.shop.db.pool.query(`SELECT id FROM product_options WHERE product_id = $1`, [tee.id]);
    const customer = await createUser(panel.shop.db.pool);
    const order = await createOrder(panel.shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product, quantity: 2 }] });
    const payment = await panel.shop.db.pool.query(`SELECT id FROM payments WHERE order_id = $1`, [order.id]);
    await panel.shop.db.pool.query(
      `INSERT INTO payment_events (provider, provider_event_id, type, payload, payment_id, outcome) VALUES ('MOCK', $1, 'payment.succeeded', '{"amount": 3000}', $2, 'applied')`,
      [uniqueId('evt'), payment.rows[0].id],
    );
    const expected: [string, string][] = [
      ['Category', category.id],
      ['Product', product.id],
      ['ProductVariant', product.variantId],
      ['ProductVariant', tee.variants[1].id],
      ['ProductOption', option.rows[0].id],
      ['Order', order.id],
      ['Payment', payment.rows[0].id],
      ['User', customer.id],
    ];

    for (const [resource, id] of expected) {
      const res = await panel.staff.get(adminApi.list(resource, 'perPage=100')).expect(200);
      expect(res.body.records.map((r: { id: string }) => r.id)).toContain(id);
    }
    const items = await panel.staff.get(adminApi.list('OrderItem', `filters.order=${order.id}`)).expect(200);
    expect(items.body.records).toHaveLength(1);
    expect(items.body.records[0].params).toMatchObject({ sku: product.sku, quantity: 2, unitPriceMinor: product.priceMinor });
    const events = await panel.staff.get(adminApi.list('PaymentEvent')).expect(200);
    expect(events.body.records[0].params).toMatchObject({ type: 'payment.succeeded', outcome: 'applied' });
  });

  test('when staff list users, then roles are visible and password hashes never leave the server', async () => {
    const colleague = await createStaff(panel.shop.db.pool);

    const res = await panel.staff.get(adminApi.list('User', 'perPage=100')).expect(200);

    const row = res.body.records.find((r: { id: string }) => r.id === colleague.id);
    expect(row.params).toMatchObject({ email: colleague.email, role: 'ADMIN' });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|password_hash|scrypt\$/);
    const shown = await panel.staff.get(adminApi.recordAction('User', colleague.id, 'show')).expect(200);
    expect(JSON.stringify(shown.body)).not.toMatch(/passwordHash|scrypt\$/);
  });

  test('when staff filter orders by status, customer and date, then only the matching orders come back', async () => {
    const product = await createProduct(panel.shop.db.pool, { stock: 100 });
    const alice = await createUser(panel.shop.db.pool);
    const bob = await createUser(panel.shop.db.pool);
    const alicePaid = await createOrder(panel.shop.db.pool, { userId: alice.id, status: 'PAID', lines: [{ product, quantity: 1 }] });
    const aliceOld = await createOrder(panel.shop.db.pool, { userId: alice.id, status: 'DELIVERED', lines: [{ product, quantity: 1 }], createdDaysAgo: 20 });
    const bobPaid = await createOrder(panel.shop.db.pool, { userId: bob.id, status: 'PAID', lines: [{ product, quantity: 1 }] });
    const ids = (res: { body: { records: { id: string }[] } }) => res.body.records.map((r) => r.id).sort();

    const byCustomer = await panel.staff.get(adminApi.list('Order', `filters.user=${alice.id}`)).expect(200);
    const byStatus = await panel.staff.get(adminApi.list('Order', `filters.status=DELIVERED&filters.user=${alice.id}`)).expect(200);
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const recent = await panel.staff
      .get(adminApi.list('Order', `filters.user=${alice.id}&filters.createdAt~~from=${encodeURIComponent(tenDaysAgo)}`))
      .expect(200);

    expect(ids(byCustomer)).toEqual([alicePaid.id, aliceOld.id].sort());
    expect(ids(byStatus)).toEqual([aliceOld.id]);
    expect(ids(recent)).toEqual([alicePaid.id]);
    expect(ids(byCustomer)).not.toContain(bobPaid.id);
  });
});

describe('Products: create, edit, delete with the API rules', () => {
  test('when staff create a product with its first variant, then both are stored in minor units and the panel opens the product', async () => {
    const category = await createCategory(panel.shop.db.pool);
    const form = newProductForm({ category: category.id, currency: 'eur' });

    const res = await panel.staff.post(adminApi.resourceAction('Product', 'new')).type('form').send(form).expect(200);

    expect(res.body.notice).toMatchObject({ type: 'success' });
    const product = await productBySlug(form.slug);
    expect(product).toEqual({
      id: expect.any(String),
      slug: form.slug,
      title: form.title,
      currency: 'EUR',
      categoryId: category.id,
      priceMinMinor: 1999,
      priceMaxMinor: 1999,
    });
    expect(res.body.redirectUrl).toBe(`/admin/resources/Product/records/${product.id}/show`);
    expect((await catalogOf(panel.shop.db.pool, product.id)).variants).toEqual([
      expect.objectContaining({ sku: form.sku, optionValues: {}, priceMinor: 1999, compareAtPriceMinor: null, stock: 7, active: true }),
    ]);
  });

  test('when the currency and stock are left out, then the store currency is used and the variant starts with none in stock', async () => {
    const { currency: _currency, stock: _stock, ...form } = newProductForm();

    await panel.staff.post(adminApi.resourceAction('Product', 'new')).type('form').send(form).expect(200);

    const product = await productBySlug(form.slug);
    expect(product.currency).toBe('USD');
    expect((await catalogOf(panel.shop.db.pool, product.id)).variants).toEqual([expect.objectContaining({ sku: form.sku, stock: 0 })]);
  });

  test('when SKU and price are left empty, then the product is made without variants (not for sale) for staff to add options first', async () => {
    const form = newProductForm({ sku: '', priceMinor: '', stock: '' });

    const res = await panel.staff.post(adminApi.resourceAction('Product', 'new')).type('form').send(form).expect(200);

    expect(res.body.notice.type).toBe('success');
    const product = await productBySlug(form.slug);
    expect(product).toMatchObject({ priceMinMinor: null, priceMaxMinor: null });
    expect((await catalogOf(panel.shop.db.pool, product.id)).variants).toEqual([]);
  });

  test.each([
    ['negative stock', { stock: '-1' }, 'stock'],
    ['negative price', { priceMinor: '-5' }, 'priceMinor'],
    ['a price with decimals (not minor units)', { priceMinor: '19.99' }, 'priceMinor'],
    ['a SKU but no price', { priceMinor: '' }, 'priceMinor'],
    ['a price but no SKU', { sku: '' }, 'sku'],
    ['a SKU with spaces', { sku: 'NOT A SKU' }, 'sku'],
    ['a currency that is not ISO 4217', { currency: 'US' }, 'currency'],
    ['a slug with spaces', { slug: 'Not A Slug' }, 'slug'],
    ['an empty title', { title: '  ' }, 'title'],
    ['an image address that is not http(s)', { imageUrl: 'javascript:alert(1)' }, 'imageUrl'],
  ])('when the form has %s, then that field gets an error and nothing is stored', async (_case, change, field) => {
    const form = newProductForm(change);
    const before = await counts();

    const res = await panel.staff.post(adminApi.resourceAction('Product', 'new')).type('form').send(form).expect(200);

    expect(res.body.notice.type).toBe('error');
    expect(Object.keys(res.body.record.errors)).toEqual([field]);
    expect(res.body.record.errors[field].message).toEqual(expect.any(String));
    expect(await counts()).toEqual(before);
  });

  test.each(['sku', 'slug'] as const)('when the %s is already used, then the form answers with an error on that field and nothing is stored', async (field) => {
    const existing = await createProduct(panel.shop.db.pool);
    const form = newProductForm({ [field]: existing[field] });
    const before = await counts();

    const res = await panel.staff.post(adminApi.resourceAction('Product', 'new')).type('form').send(form).expect(200);

    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors[field].message).toMatch(/already used/);
    expect(await counts()).toEqual(before);
  });

  test('when staff edit a product, then its own fields change and its variants do not; a bad slug is refused and changes nothing', async () => {
    const product = await createProduct(panel.shop.db.pool, { priceMinor: 1000, stock: 3 });
    const edit = adminApi.recordAction('Product', product.id, 'edit');

    const good = await panel.staff.post(edit).type('form').send({ title: 'Renamed', priceMinor: '1', stock: '99', sku: 'IGNORED' }).expect(200);
    const bad = await panel.staff.post(edit).type('form').send({ title: 'Again', slug: 'Not A Slug' }).expect(200);

    expect(good.body.notice.type).toBe('success');
    expect(bad.body.notice.type).toBe('error');
    expect(bad.body.record.errors.slug).toBeDefined();
    expect(await productBySlug(product.slug)).toMatchObject({ title: 'Renamed', priceMinMinor: 1000 });
    expect((await catalogOf(panel.shop.db.pool, product.id)).variants).toEqual([expect.objectContaining({ sku: product.sku, priceMinor: 1000, stock: 3 })]);
  });

  test('when staff try to type a product’s price range or option list, then they stay what its variants make them', async () => {
    const product = await createProductWithVariants(panel.shop.db.pool, { options: [{ name: 'Size', values: ['S'] }], priceMinor: 1000 });

    await panel.staff
      .post(adminApi.recordAction('Product', product.id, 'edit'))
      .type('form')
      .send({ priceMinMinor: '1', priceMaxMinor: '2', 'optionPairs.0': 'Size=XXL' })
      .expect(200);

    expect(await productBySlug(product.slug)).toMatchObject({ priceMinMinor: 1000, priceMaxMinor: 1000 });
    const { rows } = await panel.shop.db.pool.query(`SELECT option_pairs AS "optionPairs" FROM products WHERE id = $1`, [product.id]);
    expect(rows[0].optionPairs).toEqual(['Size=S']);
  });

  test('when staff filter products by a variant’s SKU, then the product with that variant comes back', async () => {
    const tee = await createProductWithVariants(panel.shop.db.pool, { options: [{ name: 'Size', values: ['S', 'M'] }] });
    await createProduct(panel.shop.db.pool);

    const res = await panel.staff.get(adminApi.list('Product', `filters.variantSkus=${encodeURIComponent(tee.variants[1].sku)}`)).expect(200);

    expect(res.body.records.map((r: { id: string }) => r.id)).toEqual([tee.id]);
  });

  test('when staff delete a product, then it is gone with its options and variants', async () => {
    const product = await createProductWithVariants(panel.shop.db.pool, { options: [{ name: 'Size', values: ['S', 'M'] }] });

    const res = await panel.staff.post(adminApi.recordAction('Product', product.id, 'delete')).expect(200);

    expect(res.body.notice.type).toBe('success');
    expect(await productBySlug(product.slug)).toBeUndefined();
    expect(await catalogOf(panel.shop.db.pool, product.id)).toMatchObject({ options: [], variants: [] });
  });
});

describe('Categories', () => {
  test('when staff create a category, then it is stored; a taken name is a field error', async () => {
    const slug = uniqueId('cat').toLowerCase().replace(/_/g, '-');
    const created = await panel.staff
      .post(adminApi.resourceAction('Category', 'new'))
      .type('form')
      .send({ name: `Name ${slug}`, slug })
      .expect(200);
    const duplicate = await panel.staff
      .post(adminApi.resourceAction('Category', 'new'))
      .type('form')
      .send({ name: `Name ${slug}`, slug: `${slug}-2` })
      .expect(200);

    expect(created.body.notice.type).toBe('success');
    expect(duplicate.body.record.errors.name.message).toMatch(/already used/);
    const { rows } = await panel.shop.db.pool.query(`SELECT slug FROM categories WHERE name = $1`, [`Name ${slug}`]);
    expect(rows).toEqual([{ slug }]);
  });
});

describe('Orders keep their domain rules', () => {
  test('when staff try to edit, create or delete an order, then each is refused and the order is unchanged', async () => {
    const product = await createProduct(panel.shop.db.pool);
    const customer = await createUser(panel.shop.db.pool);
    const order = await createOrder(panel.shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product, quantity: 1 }] });
    const snapshot = async () => (await panel.shop.db.pool.query(`SELECT status, total_minor, item_count FROM orders WHERE id = $1`, [order.id])).rows[0];
    const before = await snapshot();

    const edit = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'edit'))
      .type('form')
      .send({ status: 'DELIVERED', totalMinor: '1' });
    const remove = await panel.staff.post(adminApi.recordAction('Order', order.id, 'delete'));
    const create = await panel.staff
      .post(adminApi.resourceAction('Order', 'new'))
      .type('form')
      .send({ status: 'PAID', currency: 'USD', subtotalMinor: '1', totalMinor: '1', itemCount: '1', user: customer.id });

    for (const res of [edit, remove, create]) expect(res.body.notice).toMatchObject({ type: 'error' });
    expect(await snapshot()).toEqual(before);
    expect((await panel.shop.db.pool.query(`SELECT COUNT(*)::int AS n FROM orders WHERE user_id = $1`, [customer.id])).rows[0].n).toBe(1);
  });

  test('when staff open an order, then its items, payments and status history come with it, and no edit or delete is offered', async () => {
    const product = await createProduct(panel.shop.db.pool);
    const customer = await createUser(panel.shop.db.pool);
    const order = await createOrder(panel.shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product, quantity: 3 }] });

    const res = await panel.staff.get(adminApi.recordAction('Order', order.id, 'show')).expect(200);

    const { orderDetails, recordActions, populated } = res.body.record;
    expect(orderDetails.items).toEqual([expect.objectContaining({ sku: product.sku, quantity: 3, lineTotalMinor: product.priceMinor * 3 })]);
    expect(orderDetails.payments).toEqual([expect.objectContaining({ provider: 'mock', status: 'SUCCEEDED', amountMinor: product.priceMinor * 3 })]);
    expect(orderDetails.history.map((h: { to: string }) => h.to)).toEqual(['AWAITING_PAYMENT', 'PAID']);
    const colleague = await createStaff(panel.shop.db.pool);
    await panel.shop.db.pool.query(
      `INSERT INTO order_status_changes (order_id, from_status, to_status, actor, created_at) VALUES ($1, 'PAID', 'PAID', $2, now() + interval '1 second')`,
      [order.id, `staff:${colleague.id}`],
    );
    const again = await panel.staff.get(adminApi.recordAction('Order', order.id, 'show')).expect(200);
    expect(again.body.record.orderDetails.history.map((h: { actor: string; actorEmail: string | null }) => h.actorEmail ?? h.actor)).toEqual([
      'fixture',
      'fixture',
      colleague.email,
    ]);
    expect(populated.user.params.email).toBe(customer.email);
    const offered = recordActions.map((a: { name: string }) => a.name);
    expect(offered).not.toContain('edit');
    expect(offered).not.toContain('delete');
  });

  test('when staff try to edit a payment or a user, then it is refused', async () => {
    const customer = await createUser(panel.shop.db.pool);

    const res = await panel.staff
      .post(adminApi.recordAction('User', customer.id, 'edit'))
      .type('form')
      .send({ role: 'ADMIN' });

    expect(res.body.notice.type).toBe('error');
    expect((await panel.shop.db.pool.query(`SELECT role FROM users WHERE id = $1`, [customer.id])).rows[0].role).toBe('CUSTOMER');
  });
});
