// The panel's bulk catalog work: list bulk actions on products and variants (one transaction
// each, audited), the CSV download, and imports uploaded from the panel.
import { adminApi, panelPerFile } from '../helpers/admin-fixtures.js';
import { createCategory, createProductWithVariants } from '../helpers/fixtures.js';
import { uniqueId } from '../helpers/test-app.js';
import { catalogCsv, generatedRows } from '../helpers/catalog-csv-fixtures.js';

const panel = panelPerFile();
const pool = () => panel.shop.db.pool;

const bulk = (resource: string, action: string, ids: string[], data: Record<string, string> = {}) =>
  panel.staff
    .post(`/admin/api/resources/${resource}/bulk/${action}?recordIds=${ids.join(',')}`)
    .send(data)
    .expect(200);

const product = (variants: { priceMinor: number; compareAtPriceMinor?: number | null }[]) =>
  createProductWithVariants(pool(), {
    title: uniqueId('Bulk'),
    options: [{ name: 'Size', values: variants.map((_, i) => `S${i}`) }],
    variants: variants.map((v, i) => ({ ...v, optionValues: { Size: `S${i}` }, sku: uniqueId('BULK').toUpperCase() })),
  });
const prices = async (productId: string) =>
  (
    await pool().query<{ price: number }>(`SELECT price_minor AS price FROM product_variants WHERE product_id = $1 ORDER BY position, sku`, [productId])
  ).rows.map((r) => r.price);
const auditOf = async (recordIds: string[]) =>
  (
    await pool().query(
      `SELECT record_id AS "recordId", action, resource, user_id AS "userId", difference FROM audit_log WHERE record_id = ANY($1) ORDER BY id`,
      [recordIds],
    )
  ).rows;

describe('bulk actions on the products list', () => {
  test('when staff deactivate two products, then both are inactive and each change is audited', async () => {
    const [a, b] = await Promise.all([product([{ priceMinor: 1000 }]), product([{ priceMinor: 1000 }])]);

    const res = await bulk('Product', 'deactivate', [a.id, b.id]);

    expect(res.body.notice).toEqual({ message: '2 products deactivated', type: 'success' });
    const rows = (await pool().query(`SELECT active FROM products WHERE id = ANY($1)`, [[a.id, b.id]])).rows;
    expect(rows).toEqual([{ active: false }, { active: false }]);
    expect(await auditOf([a.id, b.id])).toEqual(
      expect.arrayContaining(
        [a.id, b.id].map((recordId) => ({
          recordId,
          action: 'edit',
          resource: 'Product',
          userId: panel.staffId,
          difference: { active: { before: true, after: false } },
        })),
      ),
    );

    const again = await bulk('Product', 'activate', [a.id]);
    expect(again.body.notice.message).toBe('1 product activated');
  });

  test('when staff only open a bulk action, then it shows the selection and changes nothing', async () => {
    const a = await product([{ priceMinor: 1000 }]);

    const res = await panel.staff.get(`/admin/api/resources/Product/bulk/deactivate?recordIds=${a.id}`).expect(200);

    expect(res.body.records.map((r: { id: string }) => r.id)).toEqual([a.id]);
    expect((await pool().query(`SELECT active FROM products WHERE id = $1`, [a.id])).rows[0].active).toBe(true);
  });

  test('when staff set a category, then the products are in it; an id that is not a category is refused', async () => {
    const category = await createCategory(pool());
    const a = await product([{ priceMinor: 1000 }]);

    const res = await bulk('Product', 'setCategory', [a.id], { categoryId: category.id });

    expect(res.body.notice.type).toBe('success');
    expect((await pool().query(`SELECT category_id AS "categoryId" FROM products WHERE id = $1`, [a.id])).rows[0].categoryId).toBe(category.id);
    const refused = await bulk('Product', 'setCategory', [a.id], { categoryId: 'garden' });
    expect(refused.body.notice).toEqual({ message: 'choose a category', type: 'error' });
    const gone = await bulk('Product', 'setCategory', [a.id], { categoryId: '5d0c2c1e-0d43-4a53-a1a4-6a1f7d4c0f00' });
    expect(gone.body.notice).toEqual({ message: 'Nothing was changed: that category no longer exists', type: 'error' });
    expect((await pool().query(`SELECT category_id AS "categoryId" FROM products WHERE id = $1`, [a.id])).rows[0].categoryId).toBe(category.id);
  });

  test('when staff adjust the prices of a product by -12.5%, then each variant is rounded half away from zero and audited', async () => {
    const a = await product([{ priceMinor: 1000 }, { priceMinor: 995 }, { priceMinor: 1, compareAtPriceMinor: 5 }]);

    const res = await bulk('Product', 'adjustPrices', [a.id], { percentage: '-12.5' });

    expect(res.body.notice).toEqual({ message: '2 variant prices changed', type: 'success' });
    expect(await prices(a.id)).toEqual([875, 871, 1]); // 870.625 -> 871; 0.875 -> 1 (unchanged)
    const variantIds = (await pool().query(`SELECT id FROM product_variants WHERE product_id = $1`, [a.id])).rows.map((r) => r.id);
    expect((await auditOf(variantIds)).map((e) => e.difference)).toEqual(
      expect.arrayContaining([{ priceMinor: { before: 1000, after: 875 }, adjustedByPercent: -12.5 }]),
    );
  });

  test('when one variant would reach its compare-at price, then nothing changes and the notice names it', async () => {
    const a = await product([{ priceMinor: 1000 }, { priceMinor: 1000, compareAtPriceMinor: 1050 }]);

    const res = await bulk('Product', 'adjustPrices', [a.id], { percentage: '10' });

    expect(res.body.notice.type).toBe('error');
    expect(res.body.notice.message).toMatch(/Nothing was changed: .*1100 would not be below its compare-at price 1050/);
    expect(await prices(a.id)).toEqual([1000, 1000]);
  });

  test('when the percentage is not one, then the notice says so and nothing changes', async () => {
    const a = await product([{ priceMinor: 1000 }]);

    const res = await bulk('Product', 'adjustPrices', [a.id], { percentage: '-100' });

    expect(res.body.notice).toEqual({ message: 'more than -100% (a price cannot go to zero this way)', type: 'error' });
    expect(await prices(a.id)).toEqual([1000]);
  });

  test('when two staff raise the same prices at once, then both raises apply, one after the other', async () => {
    const a = await product([{ priceMinor: 1000 }, { priceMinor: 2000 }]);

    await Promise.all([bulk('Product', 'adjustPrices', [a.id], { percentage: '10' }), bulk('Product', 'adjustPrices', [a.id], { percentage: '10' })]);

    expect(await prices(a.id)).toEqual([1210, 2420]);
  });
});

describe('bulk actions on the variants list', () => {
  test('when staff raise two variants by 5%, then only those change', async () => {
    const a = await product([{ priceMinor: 1000 }, { priceMinor: 333 }, { priceMinor: 500 }]);
    const ids = (await pool().query(`SELECT id FROM product_variants WHERE product_id = $1 ORDER BY position, sku`, [a.id])).rows.map((r) => r.id);

    await bulk('ProductVariant', 'adjustPrices', ids.slice(0, 2), { percentage: '5' });

    expect(await prices(a.id)).toEqual([1050, 350, 500]); // 349.65 -> 350
  });
});

describe('CSV from the panel', () => {
  test('when staff download the export, then it is the catalog as CSV; signed out, 401', async () => {
    await product([{ priceMinor: 1234 }]);

    const res = await panel.staff.get('/admin/products/export.csv').expect(200);

    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="products-/);
    expect(res.text.split('\n')[0]).toMatch(/^product_slug,product_title,/);
    expect(res.text).toContain(',1234,');
    await panel.shop.request.get('/admin/products/export.csv').expect(401);
  });

  test('when staff upload a dry run and then apply it, then the run page shows the report and the apply writes the file', async () => {
    const csv = catalogCsv([{ product_slug: 'panel-cap', product_title: 'Cap', currency: 'USD', sku: 'PANEL-CAP', price_minor: '1500', stock: '4' }]);

    const dry = await panel.staff.post('/admin/product-imports').query({ fileName: 'caps.csv' }).set('Content-Type', 'text/csv').send(csv).expect(201);

    expect(dry.headers.location).toBe(`/admin/resources/ProductImport/records/${dry.body.id}/show`);
    const page = await panel.staff.get(adminApi.recordAction('ProductImport', dry.body.id, 'show')).expect(200);
    expect(page.body.record.run).toMatchObject({ status: 'checked', changingRows: 1, rows: [{ row: 2, sku: 'PANEL-CAP', action: 'create' }] });
    expect(page.body.record.params.csv).toBeUndefined();

    const applied = await panel.staff.post(`/admin/product-imports/${dry.body.id}/apply`).expect(201);

    expect(applied.body).toMatchObject({ status: 'applied', checkedImportId: dry.body.id, createdBy: panel.staffId });
    expect((await pool().query(`SELECT stock FROM product_variants WHERE sku = 'PANEL-CAP'`)).rows).toEqual([{ stock: 4 }]);
    const list = await panel.staff.get(adminApi.list('ProductImport')).expect(200);
    expect(list.body.records.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([dry.body.id, applied.body.id]));
  });

  test('when a run has more changes than the page lists, then the page has the first 500 and the count of all', async () => {
    const dry = await panel.staff
      .post('/admin/product-imports')
      .set('Content-Type', 'text/csv')
      .send(catalogCsv(generatedRows('paged', 200)))
      .expect(201);

    const page = await panel.staff.get(adminApi.recordAction('ProductImport', dry.body.id, 'show')).expect(200);

    expect(page.body.record.run.changingRows).toBe(600);
    expect(page.body.record.run.rows).toHaveLength(500);
    expect(page.body.record.run.rows[0]).toMatchObject({ row: 2, action: 'create' });
  });

  test('when a signed-out caller uploads, then 401 and no run is stored', async () => {
    const before = (await pool().query(`SELECT count(*)::int AS n FROM product_imports`)).rows[0].n;

    await panel.shop.request.post('/admin/product-imports').set('Content-Type', 'text/csv').send('x').expect(401);

    expect((await pool().query(`SELECT count(*)::int AS n FROM product_imports`)).rows[0].n).toBe(before);
  });
});
