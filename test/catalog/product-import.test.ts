// Staff import products from CSV by story: a dry run reports every row and error and changes
// nothing; an apply writes every row or none, with ledger rows and an audit entry; large files
// run in a worker with progress; bad files are refused whole.
import fc from 'fast-check';
import { useTestShop } from '../helpers/test-app.js';
import { PRODUCT_IMPORT_QUEUE } from '../../src/catalog/import-jobs.js';
import { createCategory, createProductWithVariants, createUser, type UserFixture } from '../helpers/fixtures.js';
import { catalogCsv, generatedRows } from '../helpers/catalog-csv-fixtures.js';
import { CATALOG_CSV_COLUMNS, type CatalogCsvRow } from '../../src/catalog/catalog-csv.js';

// Every import, small ones too, also queues a worker's job. Before the shop closes (the hook
// declared first runs first), let the worker finish what it took: a job still running an
// import when the pool ends would fail on it (the engine's graceful stop waits 8 s at most).
afterAll(async () => {
  const until = Date.now() + 60_000;
  for (;;) {
    const { rows } = await pool().query<{ busy: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM product_imports WHERE status IN ('queued', 'running'))
           OR EXISTS (SELECT 1 FROM pgboss.job WHERE name = $1 AND state = 'active') AS busy`,
      [PRODUCT_IMPORT_QUEUE],
    );
    if (!rows[0].busy || Date.now() > until) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

const shop = useTestShop({ jobs: true });
const pool = () => shop.db.pool;
let staff: UserFixture;

beforeAll(async () => {
  staff = await createUser(pool(), { role: 'admin' });
});

const upload = (csv: string, query: Record<string, string> = {}) =>
  shop.request.post('/api/admin/product-imports').query(query).set('Authorization', staff.auth).set('Content-Type', 'text/csv').send(csv);

/** Follows a run until it is finished (a worker's, for a large file). */
async function finished(id: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await shop.request.get(`/api/admin/product-imports/${id}`).set('Authorization', staff.auth).expect(200);
    if (!['queued', 'running'].includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`import ${id} still ${res.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const catalogCounts = async (slugPrefix: string) =>
  (
    await pool().query<{ products: number; variants: number; stock: number }>(
      `SELECT count(DISTINCT p.id)::int AS products, count(v.id)::int AS variants, coalesce(sum(v.stock), 0)::int AS stock
         FROM products p LEFT JOIN product_variants v ON v.product_id = p.id WHERE p.slug LIKE $1 || '-%'`,
      [slugPrefix],
    )
  ).rows[0];

const row = (overrides: Partial<CatalogCsvRow> = {}): Partial<CatalogCsvRow> => ({
  product_slug: 'linen-shirt',
  product_title: 'Linen shirt',
  currency: 'USD',
  option_values: '{"Size":"M"}',
  sku: 'LINEN-M',
  price_minor: '2500',
  stock: '7',
  ...overrides,
});

describe('POST /api/admin/product-imports (a small file, run in the request)', () => {
  test('when staff dry-run a file of new products, then each row reports create and nothing is written', async () => {
    const csv = catalogCsv([row({ product_slug: 'dry-shirt', sku: 'DRY-M' }), row({ product_slug: 'dry-shirt', sku: 'DRY-L', option_values: '{"Size":"L"}' })]);

    const res = await upload(csv, { fileName: 'shirts.csv' }).expect(201);

    expect(res.headers.location).toBe(`/api/admin/product-imports/${res.body.id}`);
    expect(res.body).toMatchObject({ dryRun: true, status: 'checked', fileName: 'shirts.csv', totalRows: 2, processedRows: 2, errorCount: 0, errors: [] });
    expect(res.body.rows).toEqual([
      { row: 2, sku: 'DRY-M', productSlug: 'dry-shirt', action: 'create', product: { action: 'create' } },
      { row: 3, sku: 'DRY-L', productSlug: 'dry-shirt', action: 'create' },
    ]);
    expect(res.body.summary).toEqual({
      rows: 2,
      errors: 0,
      products: { create: 1, update: 0, unchanged: 0 },
      variants: { create: 2, update: 0, unchanged: 0 },
    });
    expect(await catalogCounts('dry')).toEqual({ products: 0, variants: 0, stock: 0 });
  });

  test('when staff apply a file, then products, options and variants exist, each stock is in the ledger as an import, and the import is audited', async () => {
    const category = await createCategory(pool(), { slug: 'shirts-apply' });
    const csv = catalogCsv([
      row({ product_slug: 'apply-shirt', category_slug: category.slug, option_values: '{"Size":"M","Colour":"Red"}', sku: 'APPLY-M-RED', stock: '5' }),
      row({ product_slug: 'apply-shirt', category_slug: category.slug, option_values: '{"Size":"L","Colour":"Blue"}', sku: 'APPLY-L-BLUE', stock: '0' }),
    ]);

    const res = await upload(csv, { dryRun: 'false' }).expect(201);

    expect(res.body).toMatchObject({ dryRun: false, status: 'applied', errorCount: 0 });
    const product = (await pool().query(`SELECT id, title, currency, active, category_id AS "categoryId" FROM products WHERE slug = 'apply-shirt'`)).rows[0];
    expect(product).toMatchObject({ title: 'Linen shirt', currency: 'USD', active: true, categoryId: category.id });
    const options = (await pool().query(`SELECT name, values FROM product_options WHERE product_id = $1 ORDER BY position`, [product.id])).rows;
    expect(options).toEqual([
      { name: 'Size', values: ['M', 'L'] },
      { name: 'Colour', values: ['Red', 'Blue'] },
    ]);
    const movements = (
      await pool().query(
        `SELECT v.sku, m.change, m.reason, m.actor, m.note FROM stock_movements m JOIN product_variants v ON v.id = m.variant_id WHERE v.product_id = $1`,
        [product.id],
      )
    ).rows;
    expect(movements).toEqual([{ sku: 'APPLY-M-RED', change: 5, reason: 'import', actor: `staff:${staff.id}`, note: `import ${res.body.id}` }]);
    const audit = (await pool().query(`SELECT action, resource, user_id AS "userId", difference FROM audit_log WHERE record_id = $1`, [res.body.id])).rows;
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'import',
        resource: 'Product',
        userId: staff.id,
        difference: expect.objectContaining({ products: { create: 1, update: 0, unchanged: 0 }, variants: { create: 2, update: 0, unchanged: 0 } }),
      }),
    ]);
  });

  test('when a file changes existing variants, then the report names each changed field before and after, the rest unchanged', async () => {
    const product = await createProductWithVariants(pool(), {
      slug: 'upd-tee',
      title: 'Tee',
      options: [{ name: 'Size', values: ['S', 'M'] }],
      variants: [
        { sku: 'UPD-S', optionValues: { Size: 'S' }, priceMinor: 1000, stock: 3 },
        { sku: 'UPD-M', optionValues: { Size: 'M' }, priceMinor: 1000, stock: 3, position: 1 },
      ],
    });
    const base = { product_slug: 'upd-tee', product_title: 'Tee', product_description: product.description, currency: product.currency };
    const csv = catalogCsv([
      { ...base, option_values: '{"Size":"S"}', sku: 'UPD-S', price_minor: '1200', stock: '10', position: '0' },
      { ...base, option_values: '{"Size":"M"}', sku: 'UPD-M', price_minor: '1000', stock: '3', position: '1' },
      { ...base, option_values: '{"Size":"XL"}', sku: 'UPD-XL', price_minor: '1500', stock: '2', position: '2' },
    ]);

    const dry = await upload(csv).expect(201);

    expect(dry.body.rows).toEqual([
      {
        row: 2,
        sku: 'UPD-S',
        productSlug: 'upd-tee',
        action: 'update',
        changes: { priceMinor: { before: 1000, after: 1200 }, stock: { before: 3, after: 10 } },
        product: { action: 'update', changes: { 'options.Size': { before: ['S', 'M'], after: ['S', 'M', 'XL'] } } },
      },
      { row: 3, sku: 'UPD-M', productSlug: 'upd-tee', action: 'unchanged' },
      { row: 4, sku: 'UPD-XL', productSlug: 'upd-tee', action: 'create' },
    ]);

    await upload(csv, { dryRun: 'false' }).expect(201);

    const variants = (
      await pool().query(`SELECT sku, price_minor AS "priceMinor", stock FROM product_variants WHERE product_id = $1 ORDER BY position`, [product.id])
    ).rows;
    expect(variants).toEqual([
      { sku: 'UPD-S', priceMinor: 1200, stock: 10 },
      { sku: 'UPD-M', priceMinor: 1000, stock: 3 },
      { sku: 'UPD-XL', priceMinor: 1500, stock: 2 },
    ]);
    const ledger = (
      await pool().query(
        `SELECT v.sku, m.change FROM stock_movements m JOIN product_variants v ON v.id = m.variant_id WHERE v.product_id = $1 AND m.reason = 'import' ORDER BY v.sku`,
        [product.id],
      )
    ).rows;
    expect(ledger).toEqual([
      { sku: 'UPD-S', change: 7 },
      { sku: 'UPD-XL', change: 2 },
    ]);
  });

  test('when rows break the rules, then the dry run lists each error by row and column, and an apply changes nothing', async () => {
    await createProductWithVariants(pool(), { slug: 'other-owner', options: [], variants: [{ sku: 'OWNED-1' }] });
    const csv = catalogCsv([
      row({ product_slug: 'Bad Slug', sku: 'BAD-1' }),
      row({ product_slug: 'rules-shirt', sku: 'RULES-1', price_minor: '-5' }),
      row({ product_slug: 'rules-shirt', sku: 'RULES-2', option_values: '{"Size":"L"}', compare_at_price_minor: '100' }),
      row({ product_slug: 'rules-shirt', sku: 'RULES-1', option_values: '{"Size":"S"}' }),
      row({ product_slug: 'rules-shirt', sku: 'OWNED-1', option_values: '{"Size":"XS"}' }),
      row({ product_slug: 'rules-shirt', sku: 'RULES-3', option_values: 'Size=M' }),
      row({ product_slug: 'rules-shirt', sku: 'RULES-4', option_values: '{"Size":"XXL"}', currency: 'EUR', category_slug: 'nope' }),
    ]);

    const dry = await upload(csv).expect(201);

    expect(dry.body.status).toBe('checked');
    expect(dry.body.errors).toEqual([
      { row: 2, column: 'product_slug', message: expect.stringMatching(/lowercase letters/) },
      { row: 3, column: 'price_minor', message: 'cannot be negative' },
      { row: 4, column: 'compare_at_price_minor', message: 'must be more than the price (or left empty)' },
      { row: 5, column: 'sku', message: 'SKU RULES-1 is also on row 3' },
      { row: 6, column: 'sku', message: expect.stringMatching(/SKU OWNED-1 is a variant of product other-owner/) },
      { row: 7, column: 'option_values', message: expect.stringMatching(/a JSON object/) },
      { row: 8, column: 'category_slug', message: 'differs from row 3, the first row of product rules-shirt' },
      { row: 8, column: 'currency', message: 'differs from row 3, the first row of product rules-shirt' },
    ]);
    expect(dry.body.rows.map((r: { action: string }) => r.action)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid']);

    const applied = await upload(csv, { dryRun: 'false' }).expect(201);

    expect(applied.body).toMatchObject({ status: 'refused', errorCount: 8 });
    expect(await catalogCounts('rules')).toEqual({ products: 0, variants: 0, stock: 0 });
    const audit = await pool().query(`SELECT 1 FROM audit_log WHERE record_id = $1`, [applied.body.id]);
    expect(audit.rowCount).toBe(0);
  });

  test('when a product has no options, then it takes one variant only', async () => {
    const csv = catalogCsv([row({ product_slug: 'mug', sku: 'MUG-1', option_values: '' }), row({ product_slug: 'mug', sku: 'MUG-2', option_values: '' })]);

    const dry = await upload(csv).expect(201);

    expect(dry.body.errors).toEqual([{ row: 3, column: 'option_values', message: 'product mug has no options, so it has one variant only (row 2)' }]);
  });
});

describe('a large file, run by a worker', () => {
  const BAD_ROWS = [101, 4002, 9001]; // spreadsheet rows

  const tenThousandRows = () => {
    const rows = generatedRows('big', 3334).slice(0, 10_000);
    return rows;
  };
  const withBadRows = (rows: CatalogCsvRow[]) =>
    rows.map((r, i) => {
      const sheetRow = i + 2;
      if (sheetRow === BAD_ROWS[0]) return { ...r, price_minor: 'twelve' };
      if (sheetRow === BAD_ROWS[1]) return { ...r, stock: '-1' };
      if (sheetRow === BAD_ROWS[2]) return { ...r, sku: 'has space' };
      return r;
    });

  test('when 10,000 rows hold three bad ones, then the dry run reports exactly those, the apply refuses, and the fixed file applies every row', async () => {
    const good = tenThousandRows();
    const bad = catalogCsv(withBadRows(good));

    const queued = await upload(bad, { fileName: 'big.csv' }).expect(202);
    expect(queued.body).toMatchObject({ status: expect.stringMatching(/queued|running/), totalRows: 10_000 });
    const dry = await finished(queued.body.id);

    expect(dry).toMatchObject({ status: 'checked', processedRows: 10_000, errorCount: 3 });
    expect(dry.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [101, 'price_minor'],
      [4002, 'stock'],
      [9001, 'sku'],
    ]);
    expect(dry.summary.variants).toEqual({ create: 9997, update: 0, unchanged: 0 });

    const refused = await finished((await upload(bad, { dryRun: 'false' }).expect(202)).body.id);
    expect(refused).toMatchObject({ status: 'refused', errorCount: 3 });
    expect(await catalogCounts('big')).toEqual({ products: 0, variants: 0, stock: 0 });

    const fixed = await upload(catalogCsv(good)).expect(202);
    const checked = await finished(fixed.body.id);
    expect(checked).toMatchObject({ status: 'checked', errorCount: 0 });
    const apply = await shop.request.post(`/api/admin/product-imports/${checked.id}/apply`).set('Authorization', staff.auth).expect(202);
    const applied = await finished(apply.body.id);

    expect(applied).toMatchObject({ status: 'applied', checkedImportId: checked.id, processedRows: 10_000 });
    const expectedStock = good.reduce((sum, r) => sum + Number(r.stock), 0);
    expect(await catalogCounts('big')).toEqual({ products: 3334, variants: 10_000, stock: expectedStock });
    const ledger = (
      await pool().query(
        `SELECT count(*)::int AS n, sum(change)::int AS total FROM stock_movements m JOIN product_variants v ON v.id = m.variant_id
          WHERE v.sku LIKE 'BIG-%' AND m.reason = 'import'`,
      )
    ).rows[0];
    expect(ledger).toEqual({ n: good.filter((r) => r.stock !== '0').length, total: expectedStock });
  }, 180_000);
});

describe('all rows or none', () => {
  test('when the database refuses a write mid-way, then nothing of the file is applied and the run says so', async () => {
    // a fault injected after the products and options are written, at the variants' insert
    await pool().query(`CREATE FUNCTION refuse_fault_sku() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.sku = 'FAULT-2' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$`);
    await pool().query(`CREATE TRIGGER refuse_fault_sku BEFORE INSERT ON product_variants FOR EACH ROW EXECUTE FUNCTION refuse_fault_sku()`);
    try {
      const csv = catalogCsv([row({ product_slug: 'fault-a', sku: 'FAULT-1' }), row({ product_slug: 'fault-b', sku: 'FAULT-2' })]);

      const res = await upload(csv, { dryRun: 'false' }).expect(201);

      expect(res.body).toMatchObject({ status: 'failed', failure: expect.stringMatching(/nothing was applied/) });
      expect(await catalogCounts('fault')).toEqual({ products: 0, variants: 0, stock: 0 });
    } finally {
      await pool().query(`DROP TRIGGER refuse_fault_sku ON product_variants; DROP FUNCTION refuse_fault_sku()`);
    }
  });

  test('when two files with the same SKUs are applied at once, then both apply, one after the other, and every SKU is there once', async () => {
    const first = generatedRows('race', 40);
    const second = first.map((r) => ({ ...r, price_minor: String(Number(r.price_minor) + 1), stock: '9' }));

    const [a, b] = await Promise.all([upload(catalogCsv(first), { dryRun: 'false' }), upload(catalogCsv(second), { dryRun: 'false' })]);

    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.status, b.body.status]).toEqual(['applied', 'applied']);
    const variants = (
      await pool().query<{ sku: string; n: number }>(`SELECT sku, count(*)::int AS n FROM product_variants WHERE sku LIKE 'RACE-%' GROUP BY sku`)
    ).rows;
    expect(variants).toHaveLength(120);
    expect(variants.every((v) => v.n === 1)).toBe(true);
    // the later run saw the earlier's rows: it updated them instead of creating them again
    const summaries = [a.body.summary.variants, b.body.summary.variants];
    expect(summaries).toEqual(expect.arrayContaining([{ create: 120, update: 0, unchanged: 0 }, expect.objectContaining({ create: 0 })]));
  });
});

describe('bad files are refused whole', () => {
  test('when the body is not CSV text, then 422 IMPORT_NOT_CSV and no run is stored', async () => {
    const before = (await pool().query(`SELECT count(*)::int AS n FROM product_imports`)).rows[0].n;

    const res = await upload('\u0000PK\u0003\u0004binary').expect(422);

    expect(res.body).toMatchObject({ code: 'IMPORT_NOT_CSV' });
    expect((await pool().query(`SELECT count(*)::int AS n FROM product_imports`)).rows[0].n).toBe(before);
  });

  test('when a quote is left open, then 422 IMPORT_NOT_CSV', async () => {
    const res = await upload(`${catalogCsv([row()])}"unterminated,cell\n`).expect(422);
    expect(res.body.code).toBe('IMPORT_NOT_CSV');
  });

  test('when the header misses and adds columns, then 422 IMPORT_HEADER_INVALID naming them', async () => {
    const res = await upload('product_slug,title,sku\nx,y,z\n').expect(422);
    expect(res.body).toMatchObject({ code: 'IMPORT_HEADER_INVALID', unknownColumns: ['title'] });
    expect(res.body.missingColumns).toContain('price_minor');
  });

  test('when the file has a header only, then 422 IMPORT_NO_ROWS', async () => {
    const res = await upload(catalogCsv([])).expect(422);
    expect(res.body.code).toBe('IMPORT_NO_ROWS');
  });

  test('when the body is JSON, then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await shop.request.post('/api/admin/product-imports').set('Authorization', staff.auth).send({ csv: 'x' }).expect(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('when the file is larger than PRODUCT_IMPORT_MAX_BYTES, then 413 BODY_TOO_LARGE', async () => {
    await shop.withAnother({ PRODUCT_IMPORT_MAX_BYTES: '2048' }, async (small) => {
      const res = await small.request
        .post('/api/admin/product-imports')
        .set('Authorization', staff.auth)
        .set('Content-Type', 'text/csv')
        .send(catalogCsv(generatedRows('huge', 30)))
        .expect(413);
      expect(res.body.code).toBe('BODY_TOO_LARGE');
    });
  });

  test('when a customer uploads, then 403; without a session 401', async () => {
    const customer = await createUser(pool());
    await shop.request
      .post('/api/admin/product-imports')
      .set('Authorization', customer.auth)
      .set('Content-Type', 'text/csv')
      .send(catalogCsv([row()]))
      .expect(403);
    await shop.request
      .post('/api/admin/product-imports')
      .set('Content-Type', 'text/csv')
      .send(catalogCsv([row()]))
      .expect(401);
  });
});

describe('GET /api/admin/product-imports/{id} and POST .../apply', () => {
  test('when the run is unknown, then 404; when its id is not a uuid, then 400', async () => {
    await shop.request.get('/api/admin/product-imports/8b0c6f52-8d6a-4c55-9d43-3f0d2b9b1f11').set('Authorization', staff.auth).expect(404);
    await shop.request.get('/api/admin/product-imports/nope').set('Authorization', staff.auth).expect(400);
  });

  test('when staff apply a dry run that found errors, then 409 IMPORT_NOT_CHECKED and nothing is applied', async () => {
    const dry = await upload(catalogCsv([row({ product_slug: 'nc-shirt', sku: 'NC-1', stock: 'many' })])).expect(201);

    const res = await shop.request.post(`/api/admin/product-imports/${dry.body.id}/apply`).set('Authorization', staff.auth).expect(409);

    expect(res.body.code).toBe('IMPORT_NOT_CHECKED');
    expect(await catalogCounts('nc')).toEqual({ products: 0, variants: 0, stock: 0 });
  });
});

describe('hostile cells', () => {
  const cell = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom(
      '',
      ' ',
      '-0',
      '1e3',
      '0x10',
      '2147483648',
      '99999999999',
      'NaN',
      'TRUE',
      'yes',
      '{}',
      '[]',
      '{"__proto__":"x"}',
      '{"Size":1}',
      "'; DROP TABLE products; --",
      '\u00e9t\u00e9',
      'a'.repeat(300),
    ),
  );
  const hostileRow = fc.record(Object.fromEntries(CATALOG_CSV_COLUMNS.map((column) => [column, cell])) as Record<keyof CatalogCsvRow, typeof cell>);

  test('when rows carry random and hostile cells, then every row is reported, and an apply is applied or refused, never failed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRow, { minLength: 1, maxLength: 6 }), async (rows) => {
        const dry = await upload(catalogCsv(rows));
        expect(dry.status).toBe(201);
        expect(dry.body.rows).toHaveLength(rows.length);
        const applied = await upload(catalogCsv(rows), { dryRun: 'false' });
        expect(applied.status).toBe(201);
        expect(['applied', 'refused']).toContain(applied.body.status);
        expect(applied.body.status === 'applied').toBe(dry.body.errorCount === 0);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
