import { uniqueId } from '../helpers/test-app.js';
import { adminApi, createStaff, panelPerFile } from '../helpers/admin-fixtures.js';
import { createCategory, createOrder, createProduct, createUser } from '../helpers/fixtures.js';

const panel = panelPerFile();

const productBySku = async (sku: string) =>
  (
    await panel.shop.db.pool.query(
      `SELECT sku, slug, title, price_minor AS "priceMinor", currency, stock, category_id AS "categoryId" FROM products WHERE sku = $1`,
      [sku],
    )
  ).rows[0];
const productCount = async () => (await panel.shop.db.pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM products`)).rows[0].n;

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
  test('when staff create a valid product, then it is stored with integer minor units', async () => {
    const category = await createCategory(panel.shop.db.pool);
    const form = newProductForm({ category: category.id, currency: 'eur' });

    const res = await panel.staff.post(adminApi.resourceAction('Product', 'new')).type('form').send(form).expect(200);

    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect(await productBySku(form.sku)).toEqual({
      sku: form.sku,
      slug: form.slug,
      title: form.title,
      priceMinor: 1999,
      currency: 'EUR',
      stock: 7,
      categoryId: category.id,
    });
  });

  test('when the currency is left out, then the store currency is used', async () => {
    const { currency: _left, ...form } = newProductForm();

    await panel.staff.post(adminApi.resourceAction('Product', 'new')).type('form').send(form).expect(200);

    expect((await productBySku(form.sku)).currency).toBe('USD');
  });

  test.each([
    ['negative stock', { stock: '-1' }, 'stock'],
    ['negative price', { priceMinor: '-5' }, 'priceMinor'],
    ['a price with decimals (not minor units)', { priceMinor: '19.99' }, 'priceMinor'],
    ['a missing price', { priceMinor: '' }, 'priceMinor'],
    ['a currency that is not ISO 4217', { currency: 'US' }, 'currency'],
    ['a slug with spaces', { slug: 'Not A Slug' }, 'slug'],
    ['an empty title', { title: '  ' }, 'title'],
    ['an image address that is not http(s)', { imageUrl: 'javascript:alert(1)' }, 'imageUrl'],
  ])('when the form has %s, then that field gets an error and nothing is stored', async (_case, change, field) => {
    const form = newProductForm(change);
    const before = await productCount();

    const res = await panel.staff.post(adminApi.resourceAction('Product', 'new')).type('form').send(form).expect(200);

    expect(res.body.notice.type).toBe('error');
    expect(Object.keys(res.body.record.errors)).toEqual([field]);
    expect(res.body.record.errors[field].message).toEqual(expect.any(String));
    expect(await productCount()).toBe(before);
  });

  test.each(['sku', 'slug'] as const)('when the %s is already used, then the form answers with an error on that field and nothing is stored', async (field) => {
    const existing = await createProduct(panel.shop.db.pool);
    const form = newProductForm({ [field]: existing[field] });
    const before = await productCount();

    const res = await panel.staff.post(adminApi.resourceAction('Product', 'new')).type('form').send(form).expect(200);

    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors[field].message).toMatch(/already used/);
    expect(await productCount()).toBe(before);
  });

  test('when staff edit the price and stock, then the product changes; a negative stock is refused and changes nothing', async () => {
    const product = await createProduct(panel.shop.db.pool, { priceMinor: 1000, stock: 3 });
    const edit = adminApi.recordAction('Product', product.id, 'edit');

    const good = await panel.staff.post(edit).type('form').send({ priceMinor: '1250', stock: '9' }).expect(200);
    const bad = await panel.staff.post(edit).type('form').send({ priceMinor: '1', stock: '-2' }).expect(200);

    expect(good.body.notice.type).toBe('success');
    expect(bad.body.notice.type).toBe('error');
    expect(bad.body.record.errors.stock).toBeDefined();
    expect(await productBySku(product.sku)).toMatchObject({ priceMinor: 1250, stock: 9 });
  });

  test('when two edits race for the same SKU, then one wins and the other gets a field error', async () => {
    const [a, b] = await Promise.all([createProduct(panel.shop.db.pool), createProduct(panel.shop.db.pool)]);
    const wanted = uniqueId('RACE').toUpperCase();

    const answers = await Promise.all(
      [a, b].map((p) =>
        panel.staff
          .post(adminApi.recordAction('Product', p.id, 'edit'))
          .type('form')
          .send({ sku: wanted }),
      ),
    );

    expect(answers.map((r) => r.body.notice.type).sort()).toEqual(['error', 'success']);
    const { rows } = await panel.shop.db.pool.query(`SELECT id FROM products WHERE sku = $1`, [wanted]);
    expect(rows).toHaveLength(1);
  });

  test('when staff delete a product, then it is gone', async () => {
    const product = await createProduct(panel.shop.db.pool);

    const res = await panel.staff.post(adminApi.recordAction('Product', product.id, 'delete')).expect(200);

    expect(res.body.notice.type).toBe('success');
    expect(await productBySku(product.sku)).toBeUndefined();
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
