// The panel's discount codes (the same rules as the staff routes) and the dashboard's uses and
// revenue per code.
import { adminApi, panelPerFile } from '../helpers/admin-fixtures.js';
import { createProduct, createUser } from '../helpers/fixtures.js';
import { checkoutAs, fillCart } from '../helpers/orders-fixtures.js';
import { uniqueId } from '../helpers/test-app.js';

const panel = panelPerFile();
const pool = () => panel.shop.db.pool;
const codeCount = async () => Number((await pool().query(`SELECT count(*) AS n FROM discount_codes`)).rows[0].n);
const create = (form: Record<string, string>) => panel.staff.post(adminApi.resourceAction('DiscountCode', 'new')).type('form').send(form).expect(200);
const newCode = () => uniqueId('P').toUpperCase();

describe('DiscountCode in the panel', () => {
  test('when staff create a code from the form, then it is stored as typed values', async () => {
    const code = newCode();

    const res = await create({ code, type: 'fixed_amount', value: '250', usageLimit: '3', active: 'true' });

    expect(res.body.notice.type).toBe('success');
    const { rows } = await pool().query(`SELECT type, value, usage_limit, per_customer_limit, active, product_ids FROM discount_codes WHERE code = $1`, [code]);
    expect(rows).toEqual([{ type: 'fixed_amount', value: 250, usage_limit: 3, per_customer_limit: null, active: true, product_ids: [] }]);
  });

  test.each([
    ['a percentage over 100', { type: 'percentage', value: '150' }, 'value'],
    ['an end before the start', { type: 'percentage', value: '5', startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' }, 'endsAt'],
    ['a code with spaces', { type: 'percentage', value: '5', code: 'TWO WORDS' }, 'code'],
  ])('when the form has %s, then the field is in error and nothing is stored', async (_what, form, field) => {
    const before = await codeCount();

    const res = await create({ code: newCode(), ...form });

    expect(Object.keys(res.body.record.errors)).toEqual([field]);
    expect(await codeCount()).toBe(before);
  });

  test('when a code is deleted from the panel, then it is refused and kept', async () => {
    const code = newCode();
    await create({ code, type: 'free_shipping' });
    const { rows } = await pool().query(`SELECT id FROM discount_codes WHERE code = $1`, [code]);

    const res = await panel.staff.post(adminApi.recordAction('DiscountCode', rows[0].id, 'delete'));

    expect(res.body.notice?.type ?? 'error').toBe('error');
    expect(await codeCount()).toBeGreaterThan(0);
    expect((await pool().query(`SELECT 1 FROM discount_codes WHERE id = $1`, [rows[0].id])).rowCount).toBe(1);
  });
});

describe('the dashboard per code', () => {
  test('when orders used a code, then the dashboard shows its uses and the revenue of the paid ones', async () => {
    const code = newCode();
    await create({ code, type: 'fixed_amount', value: '100' });
    const product = await createProduct(pool(), { priceMinor: 1000, stock: 10 });
    const orders: string[] = [];
    for (let i = 0; i < 2; i++) {
      const buyer = await createUser(pool());
      await fillCart(pool(), buyer.id, [{ variantId: product.variantId, quantity: 1 }]);
      await panel.shop.request.post('/api/cart/discount').set('Authorization', buyer.auth).send({ code }).expect(200);
      orders.push((await checkoutAs(panel.shop.request, buyer).expect(201)).body.id);
    }
    await pool().query(`UPDATE orders SET status = 'PAID', paid_at = now() WHERE id = $1`, [orders[0]]);

    const res = await panel.staff.get('/admin/api/dashboard').expect(200);

    expect(res.body.discountCodes).toContainEqual({ code, active: true, uses: 2, currency: 'USD', revenueMinor: 900, discountMinor: 100 });
  });
});
