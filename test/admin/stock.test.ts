// Stock in the staff panel: a new variant's (or product's first variant's) stock is the staff
// member's "initial" movement; afterwards it changes only by "Adjust stock" (with a reason, in
// the ledger and the audit trail); the variant's page shows its history, the Stock movements
// resource lists the ledger read only, and a variant may have its own low-stock threshold.
import { uniqueId } from '../helpers/test-app.js';
import { adminApi, panelPerFile } from '../helpers/admin-fixtures.js';
import { createOrder, createProduct, createUser, stockOf, type ProductFixture } from '../helpers/fixtures.js';

const panel = panelPerFile();
const pool = () => panel.shop.db.pool;
const sku = () => uniqueId('SKU').toUpperCase();

const movementsOf = async (variantId: string) =>
  (await pool().query(`SELECT change, stock_after AS "stockAfter", reason, actor, note FROM stock_movements WHERE variant_id = $1 ORDER BY id`, [variantId]))
    .rows;
const adjust = (product: ProductFixture, form: Record<string, string>) =>
  panel.staff
    .post(adminApi.recordAction('ProductVariant', product.variantId, 'adjustStock'))
    .type('form')
    .send(form)
    .expect(200);

describe('a new variant’s stock', () => {
  test('when staff add a variant with stock in the panel, then the ledger has it as "initial" by them', async () => {
    const product = await createProduct(pool(), { stock: 0 });
    await pool().query(`DELETE FROM product_variants WHERE product_id = $1`, [product.id]);
    const newSku = sku();

    const res = await panel.staff
      .post(adminApi.resourceAction('ProductVariant', 'new'))
      .type('form')
      .send({ product: product.id, sku: newSku, priceMinor: '700', stock: '6', lowStockThreshold: '2' })
      .expect(200);

    expect(res.body.notice.type).toBe('success');
    const { rows } = await pool().query(`SELECT id, stock, low_stock_threshold AS threshold FROM product_variants WHERE sku = $1`, [newSku]);
    expect(rows[0]).toMatchObject({ stock: 6, threshold: 2 });
    expect(await movementsOf(rows[0].id)).toEqual([{ change: 6, stockAfter: 6, reason: 'initial', actor: `staff:${panel.staffId}`, note: null }]);
  });

  test('when staff make a product with its first variant in stock, then that stock is "initial" by them', async () => {
    const newSku = sku();

    const res = await panel.staff
      .post(adminApi.resourceAction('Product', 'new'))
      .type('form')
      .send({ slug: uniqueId('p').toLowerCase().replaceAll('_', '-'), title: 'Kettle', sku: newSku, priceMinor: '3000', stock: '4' })
      .expect(200);

    expect(res.body.notice.type).toBe('success');
    const { rows } = await pool().query(`SELECT id FROM product_variants WHERE sku = $1`, [newSku]);
    expect(await movementsOf(rows[0].id)).toEqual([{ change: 4, stockAfter: 4, reason: 'initial', actor: `staff:${panel.staffId}`, note: null }]);
  });
});

describe('Adjust stock on a variant’s page', () => {
  test('when staff add received goods with a note, then the stock, the ledger and the audit trail have it, and the page comes back', async () => {
    const product = await createProduct(pool(), { stock: 3 });

    const res = await adjust(product, { change: '+5', reason: 'received', note: 'delivery 4711' });

    expect(res.body.notice).toEqual({ type: 'success', message: `The stock of ${product.sku} is now 8` });
    expect(res.body.redirectUrl).toBe(`/admin/resources/ProductVariant/records/${product.variantId}/show`);
    expect(await stockOf(pool(), product)).toBe(8);
    expect((await movementsOf(product.variantId)).at(-1)).toEqual({
      change: 5,
      stockAfter: 8,
      reason: 'received',
      actor: `staff:${panel.staffId}`,
      note: 'delivery 4711',
    });
    const audit = await pool().query(`SELECT action, user_id AS "userId" FROM audit_log WHERE record_id = $1`, [product.variantId]);
    expect(audit.rows).toEqual([{ action: 'stock-adjustment', userId: panel.staffId }]);
  });

  test('when the change would take the stock below 0, then an error notice says so and nothing changes', async () => {
    const product = await createProduct(pool(), { stock: 2 });

    const res = await adjust(product, { change: '-3', reason: 'damaged' });

    expect(res.body.notice).toEqual({ type: 'error', message: 'The stock is 2: a change of -3 would take it below 0' });
    expect(await stockOf(pool(), product)).toBe(2);
    expect(await movementsOf(product.variantId)).toHaveLength(1);
  });

  test.each([
    ['no change', { change: '', reason: 'received' }, 'change'],
    ['a change that is no whole number', { change: '2.5', reason: 'received' }, 'change'],
    ['a change of 0', { change: '0', reason: 'received' }, 'change'],
    ['a reason staff do not give', { change: '1', reason: 'checkout' }, 'reason'],
  ])('when the form has %s, then that field gets an error and nothing changes', async (_case, form, field) => {
    const product = await createProduct(pool(), { stock: 2 });

    const res = await adjust(product, form);

    expect(res.body.notice.type).toBe('error');
    expect(Object.keys(res.body.record.errors)).toEqual([field]);
    expect(await stockOf(pool(), product)).toBe(2);
  });

  test('when the action is only opened (GET), then nothing changes', async () => {
    const product = await createProduct(pool(), { stock: 2 });

    await panel.staff.get(adminApi.recordAction('ProductVariant', product.variantId, 'adjustStock')).expect(200);

    expect(await movementsOf(product.variantId)).toHaveLength(1);
  });
});

describe('the variant’s stock history and the Stock movements resource', () => {
  test('when a variant has moved, then its page shows the movements newest first, with the order and who', async () => {
    const product = await createProduct(pool(), { stock: 5 });
    const buyer = await createUser(pool(), { email: 'history@shop.test' });
    const order = await createOrder(pool(), { userId: buyer.id, status: 'PAID', lines: [{ product, quantity: 2 }] });
    await adjust(product, { change: '4', reason: 'count_correction' });

    const res = await panel.staff.get(adminApi.recordAction('ProductVariant', product.variantId, 'show')).expect(200);

    expect(res.body.record.stockHistory.items.map((m: { change: number; reason: string; orderNumber: number | null }) => [m.change, m.reason])).toEqual([
      [4, 'count_correction'],
      [-2, 'unattributed'], // the fixture takes an order's stock by plain SQL
      [5, 'initial'],
    ]);
    expect(res.body.record.stockHistory.items[0]).toMatchObject({ stockAfter: 7, actor: `staff:${panel.staffId}` });
    expect(order.id).toBeDefined();
  });

  test('when staff filter the movements by variant and reason, then only those are listed; the ledger cannot be written', async () => {
    const product = await createProduct(pool(), { stock: 5 });
    await adjust(product, { change: '1', reason: 'received' });
    await adjust(product, { change: '-1', reason: 'damaged' });

    const res = await panel.staff.get(adminApi.list('StockMovement', `filters.variant=${product.variantId}&filters.reason=damaged`)).expect(200);

    expect(res.body.records.map((r: { params: Record<string, unknown> }) => [r.params.change, r.params.stockAfter, r.params.reason])).toEqual([
      [-1, 5, 'damaged'],
    ]);
    const id = res.body.records[0].id;
    const shown = await panel.staff.get(adminApi.recordAction('StockMovement', id, 'show')).expect(200);
    expect(shown.body.record.params).toMatchObject({ variant: product.variantId, change: -1, reason: 'damaged' });
    expect(shown.body.record.recordActions.map((a: { name: string }) => a.name)).toEqual(['show']);
    const refused = await Promise.all([
      panel.staff
        .post(adminApi.recordAction('StockMovement', id, 'edit'))
        .type('form')
        .send({ change: '9' }),
      panel.staff.post(adminApi.recordAction('StockMovement', id, 'delete')),
      panel.staff
        .post(adminApi.resourceAction('StockMovement', 'new'))
        .type('form')
        .send({ variant: product.variantId, change: '9', stockAfter: '9', reason: 'received', actor: 'x' }),
    ]);
    for (const res of refused) expect(res.body.notice).toMatchObject({ type: 'error' });
    expect(await movementsOf(product.variantId)).toHaveLength(3);
  });
});

describe('a variant’s own low-stock threshold', () => {
  const edit = (product: ProductFixture, form: Record<string, string>) =>
    panel.staff
      .post(adminApi.recordAction('ProductVariant', product.variantId, 'edit'))
      .type('form')
      .send(form)
      .expect(200);
  const thresholdOf = async (product: ProductFixture) =>
    (await pool().query(`SELECT low_stock_threshold AS t FROM product_variants WHERE id = $1`, [product.variantId])).rows[0].t;

  test('when staff set it and clear it again, then it is stored and then falls back to the store’s (empty)', async () => {
    const product = await createProduct(pool(), { stock: 5 });

    expect((await edit(product, { lowStockThreshold: '8' })).body.notice.type).toBe('success');
    expect(await thresholdOf(product)).toBe(8);
    expect((await edit(product, { lowStockThreshold: '' })).body.notice.type).toBe('success');
    expect(await thresholdOf(product)).toBeNull();
  });

  test.each([['-1'], ['2.5'], ['lots']])('when staff type %s, then the field gets an error and nothing changes', async (typed) => {
    const product = await createProduct(pool(), { stock: 5 });

    const res = await edit(product, { lowStockThreshold: typed });

    expect(res.body.notice.type).toBe('error');
    expect(Object.keys(res.body.record.errors)).toEqual(['lowStockThreshold']);
    expect(await thresholdOf(product)).toBeNull();
  });
});
