import { uniqueId } from '../helpers/test-app.js';
import { adminApi, createStaff, panelPerFile, signedInAgent } from '../helpers/admin-fixtures.js';
import { createCategory, createOrder, createProduct, createUser } from '../helpers/fixtures.js';

const panel = panelPerFile();

type Entry = {
  action: string;
  resource: string;
  recordId: string | null;
  recordTitle: string | null;
  difference: Record<string, unknown> | null;
  userId: string;
};
const entriesFor = async (recordId: string): Promise<Entry[]> =>
  (
    await panel.shop.db.pool.query<Entry>(
      `SELECT action, resource, record_id AS "recordId", record_title AS "recordTitle", difference, user_id AS "userId" FROM audit_log WHERE record_id = $1 ORDER BY id`,
      [recordId],
    )
  ).rows;
const categoryBySlug = async (slug: string) => (await panel.shop.db.pool.query(`SELECT id, name FROM categories WHERE slug = $1`, [slug])).rows[0];

describe('panel edits are logged by @adminjs/logger', () => {
  test('when staff create, edit and delete a category, then each is an entry with the changed fields and the staff member', async () => {
    const slug = uniqueId('cat').toLowerCase().replace(/_/g, '-');

    await panel.staff
      .post(adminApi.resourceAction('Category', 'new'))
      .type('form')
      .send({ name: `Mugs ${slug}`, slug, description: 'Cups' })
      .expect(200);
    const category = await categoryBySlug(slug);
    await panel.staff
      .post(adminApi.recordAction('Category', category.id, 'edit'))
      .type('form')
      .send({ name: `Mugs and cups ${slug}` })
      .expect(200);
    await panel.staff.post(adminApi.recordAction('Category', category.id, 'delete')).expect(200);

    const entries = await entriesFor(category.id);
    expect(entries.map((e) => [e.action, e.resource, e.userId])).toEqual([
      ['new', 'Category', panel.staffId],
      ['edit', 'Category', panel.staffId],
      ['delete', 'Category', panel.staffId],
    ]);
    expect(entries[0].difference).toMatchObject({ name: { after: `Mugs ${slug}` }, slug: { after: slug }, description: { after: 'Cups' } });
    expect(entries[1].difference).toEqual({ name: { before: `Mugs ${slug}`, after: `Mugs and cups ${slug}` }, updatedAt: expect.any(Object) });
    expect(entries[1].recordTitle).toBe(`Mugs and cups ${slug}`);
    expect(entries[2].difference).toMatchObject({ name: { before: `Mugs and cups ${slug}` } });
  });

  test('when staff delete several categories at once, then each gets its own entry', async () => {
    const [a, b] = [await createCategory(panel.shop.db.pool), await createCategory(panel.shop.db.pool)];

    await panel.staff.post(`/admin/api/resources/Category/bulk/bulkDelete?recordIds=${a.id},${b.id}`).expect(200);

    expect((await entriesFor(a.id)).map((e) => [e.action, e.recordTitle])).toEqual([['bulkDelete', a.name]]);
    expect((await entriesFor(b.id)).map((e) => [e.action, e.recordTitle])).toEqual([['bulkDelete', b.name]]);
  });

  test('when an edit is refused (a taken slug), then nothing is logged', async () => {
    const taken = await createCategory(panel.shop.db.pool);
    const other = await createCategory(panel.shop.db.pool);

    const res = await panel.staff
      .post(adminApi.recordAction('Category', other.id, 'edit'))
      .type('form')
      .send({ slug: taken.slug })
      .expect(200);

    expect(res.body.notice.type).toBe('error');
    expect(await entriesFor(other.id)).toEqual([]);
  });
});

describe('staff order moves are recorded in their own transaction', () => {
  test('when staff ship an order from the panel, then the entry names the move, the carrier and the staff member', async () => {
    const product = await createProduct(panel.shop.db.pool, { stock: 5 });
    const order = await createOrder(panel.shop.db.pool, {
      userId: (await createUser(panel.shop.db.pool)).id,
      status: 'PAID',
      lines: [{ product, quantity: 1 }],
    });

    await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'ship'))
      .send({ carrier: 'DHL', trackingNumber: 'T-1' })
      .expect(200);

    expect(await entriesFor(order.id)).toEqual([
      {
        action: 'ship',
        resource: 'Order',
        recordId: order.id,
        recordTitle: String(order.number),
        userId: panel.staffId,
        difference: { status: { before: 'PAID', after: 'SHIPPED' }, carrier: { before: null, after: 'DHL' }, trackingNumber: { before: null, after: 'T-1' } },
      },
    ]);
  });

  test('when a ship is refused (the order is not paid), then no entry is left', async () => {
    const product = await createProduct(panel.shop.db.pool, { stock: 5 });
    const order = await createOrder(panel.shop.db.pool, { userId: (await createUser(panel.shop.db.pool)).id, lines: [{ product, quantity: 1 }] });

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'ship'))
      .send({ carrier: 'DHL', trackingNumber: 'T-2' })
      .expect(200);

    expect(res.body.notice.type).toBe('error');
    expect(await entriesFor(order.id)).toEqual([]);
  });

  test('when the audit entry cannot be written, then the ship is rolled back with it', async () => {
    const product = await createProduct(panel.shop.db.pool, { stock: 5 });
    const order = await createOrder(panel.shop.db.pool, {
      userId: (await createUser(panel.shop.db.pool)).id,
      status: 'PAID',
      lines: [{ product, quantity: 1 }],
    });
    // the trail refuses this one entry: the move must not happen without it
    await panel.shop.db.pool.query(`ALTER TABLE audit_log ADD CONSTRAINT refuse_this_order CHECK (record_id IS DISTINCT FROM '${order.id}')`);
    try {
      await panel.staff
        .post(adminApi.recordAction('Order', order.id, 'ship'))
        .send({ carrier: 'DHL', trackingNumber: 'T-3' })
        .expect(500);
    } finally {
      await panel.shop.db.pool.query(`ALTER TABLE audit_log DROP CONSTRAINT refuse_this_order`);
    }

    const { rows } = await panel.shop.db.pool.query(`SELECT status, carrier FROM orders WHERE id = $1`, [order.id]);
    expect(rows[0]).toEqual({ status: 'PAID', carrier: null });
    expect(await entriesFor(order.id)).toEqual([]);
  });

  test.each([
    ['deliver', 'SHIPPED', {}, { status: { before: 'SHIPPED', after: 'DELIVERED' } }],
    [
      'cancel',
      'AWAITING_PAYMENT',
      { reason: 'Asked by phone' },
      { status: { before: 'AWAITING_PAYMENT', after: 'CANCELLED' }, reason: { before: null, after: 'Asked by phone' } },
    ],
  ] as const)('when staff %s an order through the staff API, then it is recorded too', async (action, status, body, difference) => {
    const staff = await createUser(panel.shop.db.pool, { role: 'admin' });
    const product = await createProduct(panel.shop.db.pool, { stock: 5 });
    const order = await createOrder(panel.shop.db.pool, { userId: (await createUser(panel.shop.db.pool)).id, status, lines: [{ product, quantity: 1 }] });

    await panel.shop.request.post(`/api/admin/orders/${order.id}/${action}`).set('Authorization', staff.auth).send(body).expect(200);

    expect(await entriesFor(order.id)).toEqual([expect.objectContaining({ action, userId: staff.id, difference })]);
  });
});

describe('the audit trail in the panel', () => {
  test('when staff open the trail, then entries come newest first, filter by resource, record, staff member and action, and cannot be changed', async () => {
    const colleague = await createStaff(panel.shop.db.pool);
    const agent = await signedInAgent(panel.shop, colleague.email);
    const category = await createCategory(panel.shop.db.pool);
    await panel.staff
      .post(adminApi.recordAction('Category', category.id, 'edit'))
      .type('form')
      .send({ description: 'first' })
      .expect(200);
    await agent
      .post(adminApi.recordAction('Category', category.id, 'edit'))
      .type('form')
      .send({ description: 'second' })
      .expect(200);

    const all = await panel.staff.get(adminApi.list('AuditLog', `filters.resource=Category&filters.recordId=${category.id}`)).expect(200);
    const byColleague = await panel.staff.get(adminApi.list('AuditLog', `filters.recordId=${category.id}&filters.userId=${colleague.id}`)).expect(200);
    const noneDeleted = await panel.staff.get(adminApi.list('AuditLog', `filters.recordId=${category.id}&filters.action=delete`)).expect(200);
    const otherResource = await panel.staff.get(adminApi.list('AuditLog', `filters.resource=Cat&filters.recordId=${category.id}`)).expect(200);
    const edit = await panel.staff
      .post(adminApi.recordAction('AuditLog', all.body.records[0].id, 'edit'))
      .type('form')
      .send({ action: 'x' });

    expect(
      all.body.records.map((r: { params: { userId: string; difference: string } }) => [r.params.userId, JSON.parse(r.params.difference).description.after]),
    ).toEqual([
      [colleague.id, 'second'],
      [panel.staffId, 'first'],
    ]);
    expect(all.body.records[0].populated.userId.params.email).toBe(colleague.email);
    expect(byColleague.body.records).toHaveLength(1);
    expect(noneDeleted.body.records).toEqual([]);
    expect(otherResource.body.records).toEqual([]); // an exact match, not a substring
    expect(edit.body.notice.type).toBe('error');
    expect((await entriesFor(category.id)).map((e) => e.action)).toEqual(['edit', 'edit']);
  });

  test('when staff open an order, a product or a customer, then its page carries its own history, newest first', async () => {
    const product = await createProduct(panel.shop.db.pool, { stock: 5 });
    const customer = await createUser(panel.shop.db.pool);
    const order = await createOrder(panel.shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product, quantity: 1 }] });
    await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'ship'))
      .send({ carrier: 'DHL', trackingNumber: 'T-9' })
      .expect(200);
    await panel.staff
      .post(adminApi.recordAction('Product', product.id, 'edit'))
      .type('form')
      .send({ title: 'Renamed mug' })
      .expect(200);
    await panel.staff
      .post(adminApi.recordAction('User', customer.id, 'block'))
      .send({ reason: 'Suspicious orders' })
      .expect(200);

    const [orderPage, productPage, customerPage] = await Promise.all([
      panel.staff.get(adminApi.recordAction('Order', order.id, 'show')).expect(200),
      panel.staff.get(adminApi.recordAction('Product', product.id, 'show')).expect(200),
      panel.staff.get(adminApi.recordAction('User', customer.id, 'show')).expect(200),
    ]);

    expect(orderPage.body.record.auditHistory.map((e: { action: string }) => e.action)).toEqual(['ship']);
    expect(productPage.body.record.auditHistory).toEqual([
      expect.objectContaining({
        action: 'edit',
        resource: 'Product',
        userId: panel.staffId,
        difference: expect.objectContaining({ title: { before: product.title, after: 'Renamed mug' } }),
      }),
    ]);
    expect(customerPage.body.record.auditHistory).toEqual([expect.objectContaining({ action: 'block', staffName: expect.any(String) })]);
  });
});
