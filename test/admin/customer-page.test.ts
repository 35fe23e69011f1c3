import { uniqueId } from '../helpers/test-app.js';
import { adminApi, panelPerFile } from '../helpers/admin-fixtures.js';
import { createOrder, createProduct, createUser } from '../helpers/fixtures.js';

const panel = panelPerFile();

const blockOf = async (userId: string) =>
  (await panel.shop.db.pool.query(`SELECT blocked_at IS NOT NULL AS blocked, block_reason AS reason, blocked_by AS "by" FROM users WHERE id = $1`, [userId]))
    .rows[0];
const actionsOn = async (userId: string) =>
  ((await panel.staff.get(adminApi.recordAction('User', userId, 'show')).expect(200)).body.record.recordActions as { name: string }[])
    .map((a) => a.name)
    .sort();

describe('the customer page', () => {
  test('when staff open a customer, then it shows their contact, addresses, orders with totals, lifetime spend per currency and notes', async () => {
    const customer = await createUser(panel.shop.db.pool, { name: 'Rahim Uddin' });
    const product = await createProduct(panel.shop.db.pool, { stock: 10, priceMinor: 2500 });
    const paid = await createOrder(panel.shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product, quantity: 2 }] });
    await createOrder(panel.shop.db.pool, { userId: customer.id, status: 'CANCELLED', lines: [{ product, quantity: 1 }] });
    await panel.shop.db.pool.query(
      `INSERT INTO addresses (user_id, recipient_name, phone, line1, city, country, is_default) VALUES ($1, 'Rahim Uddin', '+8801712345678', 'House 12', 'Dhaka', 'BD', true)`,
      [customer.id],
    );
    await panel.staff
      .post(adminApi.recordAction('User', customer.id, 'addNote'))
      .send({ body: 'VIP: call before delivery' })
      .expect(200);

    const res = await panel.staff.get(adminApi.recordAction('User', customer.id, 'show')).expect(200);

    const details = res.body.record.customerDetails;
    expect(details).toMatchObject({ id: customer.id, email: customer.email, name: 'Rahim Uddin', blocked: false, block: null });
    expect(details.spend).toEqual([{ currency: 'USD', totalMinor: 5000, orders: 1 }]);
    expect(details.orders.items.map((o: { id: string; totalMinor: number }) => o.totalMinor)).toEqual([2500, 5000]);
    expect(details.orders.items[1].id).toBe(paid.id);
    expect(details.addresses).toEqual([expect.objectContaining({ phone: '+8801712345678', city: 'Dhaka', isDefault: true })]);
    expect(details.notes).toEqual([
      { id: expect.any(String), body: 'VIP: call before delivery', author: { id: panel.staffId, name: expect.any(String) }, createdAt: expect.any(String) },
    ]);
  });

  test('when staff look at a customer, then Clerk-owned identity cannot be edited: no edit, no delete, an edit attempt changes nothing', async () => {
    const customer = await createUser(panel.shop.db.pool, { name: 'Original Name' });

    const offered = await actionsOn(customer.id);
    const res = await panel.staff
      .post(adminApi.recordAction('User', customer.id, 'edit'))
      .type('form')
      .send({ email: 'evil@example.test', name: 'Changed' });

    expect(offered).toEqual(['addNote', 'block', 'show']);
    expect(res.body.notice.type).toBe('error');
    const { rows } = await panel.shop.db.pool.query(`SELECT email, name, clerk_user_id AS "clerkUserId" FROM users WHERE id = $1`, [customer.id]);
    expect(rows[0]).toEqual({ email: customer.email, name: 'Original Name', clerkUserId: customer.clerkUserId });
  });

  test('when staff block a customer with a reason, then Unblock is offered, and unblocking lets them check out again', async () => {
    const customer = await createUser(panel.shop.db.pool);

    const blocked = await panel.staff
      .post(adminApi.recordAction('User', customer.id, 'block'))
      .send({ reason: 'Three chargebacks' })
      .expect(200);
    const offeredBlocked = await actionsOn(customer.id);
    await panel.staff
      .post(adminApi.recordAction('User', customer.id, 'unblock'))
      .send({})
      .expect(200);

    expect(blocked.body.notice).toMatchObject({ type: 'success' });
    expect(blocked.body.redirectUrl).toBe(`/admin/resources/User/records/${customer.id}/show`);
    expect(offeredBlocked).toEqual(['addNote', 'show', 'unblock']);
    expect(await blockOf(customer.id)).toEqual({ blocked: false, reason: null, by: null });
  });

  test('when staff block without a reason, then the reason field is marked and the customer is not blocked', async () => {
    const customer = await createUser(panel.shop.db.pool);

    const res = await panel.staff.post(adminApi.recordAction('User', customer.id, 'block')).send({ reason: '  ' });

    expect(res.body.record.errors.reason).toBeDefined();
    expect(await blockOf(customer.id)).toEqual({ blocked: false, reason: null, by: null });
  });

  test('when opening the block form (GET), then nothing is blocked', async () => {
    const customer = await createUser(panel.shop.db.pool);

    await panel.staff.get(adminApi.recordAction('User', customer.id, 'block')).expect(200);

    expect((await blockOf(customer.id)).blocked).toBe(false);
  });

  test('when staff search the list by email, name or phone, then the matching people come back', async () => {
    const tag = uniqueId('who').toLowerCase();
    const byEmail = await createUser(panel.shop.db.pool, { email: `${tag}@example.test` });
    const byName = await createUser(panel.shop.db.pool, { name: `Nadia ${tag}` });
    const byPhone = await createUser(panel.shop.db.pool);
    const digits = String(Date.now()).slice(-8);
    await panel.shop.db.pool.query(
      `INSERT INTO addresses (user_id, recipient_name, phone, line1, city, country) VALUES ($1, 'N', $2, 'Road 5', 'Dhaka', 'BD')`,
      [byPhone.id, `+88017${digits}`],
    );
    const ids = async (search: string) =>
      ((await panel.staff.get(adminApi.list('User', `filters.search=${encodeURIComponent(search)}`)).expect(200)).body.records as { id: string }[])
        .map((r) => r.id)
        .sort();

    expect(await ids(tag.toUpperCase())).toEqual([byEmail.id, byName.id].sort());
    expect(await ids(`017-${digits}`)).toEqual([byPhone.id]);
    expect(await ids('%')).not.toContain(byPhone.id); // a wildcard is a character like any other
  });

  test('when a staff account is opened, then it has no customer actions and no customer details', async () => {
    const colleague = await createUser(panel.shop.db.pool, { role: 'admin' });

    const res = await panel.staff.get(adminApi.recordAction('User', colleague.id, 'show')).expect(200);

    expect(res.body.record.customerDetails).toBeUndefined();
    expect(res.body.record.recordActions.map((a: { name: string }) => a.name)).toEqual(['show']);
  });
});
