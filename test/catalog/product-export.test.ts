// Staff download the catalog as CSV: one row per variant, streamed, and it imports back unchanged.
import { parse } from 'csv-parse/sync';
import { useTestShop } from '../helpers/test-app.js';
import { createCategory, createProductWithVariants, createUser, type UserFixture } from '../helpers/fixtures.js';
import { CATALOG_CSV_COLUMNS } from '../../src/catalog/catalog-csv.js';

const shop = useTestShop();
let staff: UserFixture;

beforeAll(async () => {
  staff = await createUser(shop.db.pool, { role: 'admin' });
});

const download = () => shop.request.get('/api/admin/products/export.csv').set('Authorization', staff.auth);

describe('GET /api/admin/products/export.csv', () => {
  test('when staff export, then every variant is a row with its product, options in option order, as a download', async () => {
    const category = await createCategory(shop.db.pool, { slug: 'export-tees' });
    await createProductWithVariants(shop.db.pool, {
      slug: 'export-tee',
      title: 'Tee, "classic"',
      categoryId: category.id,
      options: [
        { name: 'Size', values: ['S', 'M'] },
        { name: 'Colour', values: ['Red'] },
      ],
      variants: [
        { sku: 'EXP-M', optionValues: { Colour: 'Red', Size: 'M' }, priceMinor: 1900, compareAtPriceMinor: 2500, stock: 4, position: 1 },
        { sku: 'EXP-S', optionValues: { Size: 'S', Colour: 'Red' }, priceMinor: 1800, stock: 0, position: 0, active: false },
      ],
    });

    const res = await download().expect(200);

    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="products-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = parse(res.text) as string[][];
    expect(header).toEqual([...CATALOG_CSV_COLUMNS]);
    const mine = rows.filter((r) => r[0] === 'export-tee');
    expect(mine).toEqual([
      ['export-tee', 'Tee, "classic"', expect.any(String), 'export-tees', 'USD', 'true', '{"Size":"S","Colour":"Red"}', 'EXP-S', '1800', '', '0', 'false', '0'],
      [
        'export-tee',
        'Tee, "classic"',
        expect.any(String),
        'export-tees',
        'USD',
        'true',
        '{"Size":"M","Colour":"Red"}',
        'EXP-M',
        '1900',
        '2500',
        '4',
        'true',
        '1',
      ],
    ]);
  });

  test('when the exported file is dry-run as an import, then every row is unchanged', async () => {
    const csv = (await download().expect(200)).text;

    const res = await shop.request.post('/api/admin/product-imports').set('Authorization', staff.auth).set('Content-Type', 'text/csv').send(csv).expect(201);

    expect(res.body.errors).toEqual([]);
    expect(res.body.summary.variants).toMatchObject({ create: 0, update: 0 });
    expect(res.body.summary.products).toMatchObject({ create: 0, update: 0 });
  });

  test('when a customer asks, then 403', async () => {
    const customer = await createUser(shop.db.pool);
    const res = await shop.request.get('/api/admin/products/export.csv').set('Authorization', customer.auth).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });
});
