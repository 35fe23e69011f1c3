import { uniqueId, useTestShop } from '../helpers/test-app.js';
import { seedDemoCatalog } from '../../prisma/demo-catalog.js';
import { productListSql } from '../../src/catalog/products.js';
import { productListQuery } from '../../src/catalog/schemas.js';
import { createCategory, createProduct, productJson, type ProductFixture } from '../helpers/fixtures.js';

const shop = useTestShop();
beforeAll(async () => {
  await seedDemoCatalog(shop.db.prisma);
});

type Query = Record<string, string | number | boolean>;
type Page = { items: { id: string }[]; nextCursor: string | null; total: number; totalExact: boolean };

const listIds = async (query: Query) => ((await shop.request.get('/api/products').query(query).expect(200)).body as Page).items.map((p) => p.id);

/** Follows nextCursor to the last page, checking every page's size and total on the way. */
async function walkAllPages(query: Query, limit: number, expectedTotal: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor = query.cursor as string | undefined;
  for (let page = 0; page < 50; page++) {
    const res = await shop.request
      .get('/api/products')
      .query({ ...query, limit, ...(cursor ? { cursor } : {}) })
      .expect(200);
    const body = res.body as Page;
    expect(body.total).toBe(expectedTotal);
    ids.push(...body.items.map((p) => p.id));
    if (!body.nextCursor) return ids;
    expect(body.items).toHaveLength(limit);
    cursor = body.nextCursor;
  }
  throw new Error('pagination did not end');
}

const byKeyThenId =
  (key: (p: ProductFixture) => number | string, direction: 1 | -1, idDirection: 1 | -1 = 1) =>
  (a: ProductFixture, b: ProductFixture) => {
    const [ka, kb] = [key(a), key(b)];
    if (ka !== kb) return (ka < kb ? -1 : 1) * direction;
    return (a.id < b.id ? -1 : 1) * idDirection;
  };

describe('GET /api/products', () => {
  test('when more than 1 000 products match, then total stops at 1 000 and says it is not exact', async () => {
    const word = uniqueId('bulk');
    await shop.db.pool.query(
      `WITH made AS (INSERT INTO products (slug, title) SELECT $1 || '-' || g, $1 || ' item ' || g FROM generate_series(1, 1001) g RETURNING id, slug)
       INSERT INTO product_variants (product_id, sku, price_minor, stock) SELECT id, slug, 100, 1 FROM made`,
      [word],
    );

    const res = await shop.request.get('/api/products').query({ q: word, limit: 5 }).expect(200);

    expect(res.body).toMatchObject({ total: 1000, totalExact: false });
    expect(res.body.items).toHaveLength(5);
    await shop.db.pool.query(`DELETE FROM products WHERE slug LIKE $1 || '-%'`, [word]);
  });

  test('when called without parameters, then the 20 newest active products, a next cursor and the total', async () => {
    const { rows } = await shop.db.pool.query(`SELECT id FROM products WHERE active ORDER BY created_at DESC, id`);

    const res = await shop.request.get('/api/products').expect(200);

    expect(res.body.items.map((p: { id: string }) => p.id)).toEqual(rows.slice(0, 20).map((r) => r.id));
    expect(res.body.total).toBe(rows.length);
    expect(res.body.totalExact).toBe(true);
    expect(typeof res.body.nextCursor).toBe('string');
  });

  test('when a product without options is listed, then it carries its one variant, its price range in minor units, stock and category', async () => {
    const category = await createCategory(shop.db.pool);
    const product = await createProduct(shop.db.pool, { categoryId: category.id, priceMinor: 1299, stock: 4 });
    const loose = await createProduct(shop.db.pool, { stock: 0, imageUrl: null, title: uniqueId('Loose') });

    const [listed] = (await shop.request.get('/api/products').query({ category: category.slug }).expect(200)).body.items;
    const [uncategorised] = (await shop.request.get('/api/products').query({ q: loose.title }).expect(200)).body.items;

    expect(listed).toEqual(productJson(product, category));
    expect(listed).toMatchObject({ priceRange: { minMinor: 1299, maxMinor: 1299 }, currency: 'USD', inStock: true, options: [] });
    expect(listed.variants).toEqual([
      { id: product.variantId, sku: product.sku, optionValues: {}, priceMinor: 1299, compareAtPriceMinor: null, inStock: true },
    ]);
    expect(uncategorised).toMatchObject({ id: loose.id, imageUrl: null, inStock: false, category: null, variants: [{ inStock: false }] });
  });

  describe('sorting and keyset pagination', () => {
    let category: Awaited<ReturnType<typeof createCategory>>;
    let products: ProductFixture[];
    beforeAll(async () => {
      category = await createCategory(shop.db.pool);
      // ties in every sort key, so the id tie-breaker and the cursor's position are exercised
      const titles = ['mango', 'apple', 'kiwi', 'apple', 'pear', 'fig', 'kiwi', 'apple', 'plum', 'date', 'fig'];
      const prices = [500, 300, 300, 700, 300, 100, 500, 900, 300, 100, 700];
      const minutes = [0, 1, 1, 2, 2, 2, 3, 4, 4, 5, 6];
      products = [];
      for (const [i, title] of titles.entries()) {
        products.push(
          await createProduct(shop.db.pool, {
            categoryId: category.id,
            title,
            priceMinor: prices[i],
            createdAt: new Date(Date.UTC(2025, 5, 1, 12, minutes[i])),
          }),
        );
      }
      await createProduct(shop.db.pool, { categoryId: category.id, title: 'apple', active: false });
    });

    test.each([
      ['newest', byKeyThenId((p) => p.createdAt.getTime(), -1)],
      ['price_asc', byKeyThenId((p) => p.priceMinor, 1)],
      ['price_desc', byKeyThenId((p) => p.priceMinor, -1, -1)],
      ['title', byKeyThenId((p) => p.title, 1)],
    ] as const)('when every page of sort=%s is followed, then each active product comes once, in order', async (sort, compare) => {
      const expected = [...products].sort(compare).map((p) => p.id);

      const walked = await walkAllPages({ category: category.slug, sort }, 3, products.length);

      expect(walked).toEqual(expected);
      expect(new Set(walked).size).toBe(products.length);
    });

    test('when titles are long, then title cursors still lead to the next page', async () => {
      const shelf = await createCategory(shop.db.pool);
      const long = await Promise.all(['b', 'a', 'c'].map((letter) => createProduct(shop.db.pool, { categoryId: shelf.id, title: letter.repeat(1500) })));

      const walked = await walkAllPages({ category: shelf.slug, sort: 'title' }, 1, 3);

      expect(walked).toEqual([long[1].id, long[0].id, long[2].id]);
    });

    test('when one page holds everything, then nextCursor is null', async () => {
      const res = await shop.request.get('/api/products').query({ category: category.slug, limit: products.length }).expect(200);
      expect(res.body.items).toHaveLength(products.length);
      expect(res.body.nextCursor).toBeNull();
    });

    test('when a newer product appears between two pages, then the next page neither repeats nor skips', async () => {
      const first = (await shop.request.get('/api/products').query({ category: category.slug, limit: 4 }).expect(200)).body as Page;
      const newcomer = await createProduct(shop.db.pool, { categoryId: category.id, title: 'quince' });
      try {
        const rest = await walkAllPages({ category: category.slug, cursor: first.nextCursor! }, 4, products.length + 1);

        const expected = [...products].sort(byKeyThenId((p) => p.createdAt.getTime(), -1)).map((p) => p.id);
        expect([...first.items.map((p) => p.id), ...rest]).toEqual(expected);
      } finally {
        await shop.db.pool.query(`DELETE FROM products WHERE id = $1`, [newcomer.id]);
      }
    });
  });

  describe('filters', () => {
    test('when filtered by category, then only that category; an unknown category matches nothing', async () => {
      const [coffee, tea] = [await createCategory(shop.db.pool), await createCategory(shop.db.pool)];
      const inCoffee = await createProduct(shop.db.pool, { categoryId: coffee.id });
      await createProduct(shop.db.pool, { categoryId: tea.id });

      expect(await listIds({ category: coffee.slug })).toEqual([inCoffee.id]);
      const unknown = await shop.request.get('/api/products').query({ category: 'no-such-category' }).expect(200);
      expect(unknown.body).toEqual({ items: [], nextCursor: null, total: 0, totalExact: true });
    });

    test('when searched with q, then title, SKU and description match case-insensitively', async () => {
      const word = uniqueId('Zephyr');
      const byTitle = await createProduct(shop.db.pool, { title: `${word} Kettle` });
      const bySku = await createProduct(shop.db.pool, { sku: `${word}-SKU`.toUpperCase() });
      const byDescription = await createProduct(shop.db.pool, { description: `made by ${word.toLowerCase()} workshop` });
      await createProduct(shop.db.pool, { title: `${word} retired`, active: false });

      const found = await listIds({ q: word.toUpperCase(), sort: 'newest' });

      expect(found.sort()).toEqual([byTitle.id, bySku.id, byDescription.id].sort());
    });

    test('when q holds LIKE wildcards, then they match literally', async () => {
      const category = await createCategory(shop.db.pool);
      const literal = await createProduct(shop.db.pool, { categoryId: category.id, description: '100% arabica' });
      await createProduct(shop.db.pool, { categoryId: category.id, description: '100g arabica' });
      await createProduct(shop.db.pool, { categoryId: category.id, description: 'grind_size 3' });
      const underscore = await createProduct(shop.db.pool, { categoryId: category.id, description: 'grind_size 4' });

      expect(await listIds({ category: category.slug, q: '100% arabica' })).toEqual([literal.id]);
      expect(await listIds({ category: category.slug, q: 'd_size 4' })).toEqual([underscore.id]);
      expect(await listIds({ category: category.slug, q: 'grind_' })).toHaveLength(2);
      expect(await listIds({ category: category.slug, q: 'grindxsize' })).toEqual([]);
    });

    test('when a price range is given, then both bounds are inclusive, in minor units', async () => {
      const category = await createCategory(shop.db.pool);
      const [cheap, low, high, dear] = await Promise.all(
        [99, 100, 500, 501].map((priceMinor) => createProduct(shop.db.pool, { categoryId: category.id, priceMinor })),
      );

      const query = { category: category.slug, sort: 'price_asc' };
      expect(await listIds({ ...query, minPrice: 100, maxPrice: 500 })).toEqual([low.id, high.id]);
      expect(await listIds({ ...query, minPrice: 500 })).toEqual([high.id, dear.id]);
      expect(await listIds({ ...query, maxPrice: 100 })).toEqual([cheap.id, low.id]);
    });

    test('when inStock=true, then sold-out products are left out; inStock=false filters nothing', async () => {
      const category = await createCategory(shop.db.pool);
      const available = await createProduct(shop.db.pool, { categoryId: category.id, stock: 1 });
      const soldOut = await createProduct(shop.db.pool, { categoryId: category.id, stock: 0 });

      expect(await listIds({ category: category.slug, inStock: 'true' })).toEqual([available.id]);
      expect((await listIds({ category: category.slug, inStock: 'false' })).sort()).toEqual([available.id, soldOut.id].sort());
    });

    test('when filters combine, then a product must pass all of them, and the total counts the matches', async () => {
      const category = await createCategory(shop.db.pool);
      const word = uniqueId('combo');
      const match = await createProduct(shop.db.pool, { categoryId: category.id, title: `${word} a`, priceMinor: 300, stock: 2 });
      await createProduct(shop.db.pool, { categoryId: category.id, title: `${word} b`, priceMinor: 300, stock: 0 });
      await createProduct(shop.db.pool, { categoryId: category.id, title: `${word} c`, priceMinor: 900, stock: 2 });
      await createProduct(shop.db.pool, { categoryId: category.id, title: 'other', priceMinor: 300, stock: 2 });
      await createProduct(shop.db.pool, { categoryId: category.id, title: `${word} d`, priceMinor: 300, stock: 2, active: false });

      const res = await shop.request.get('/api/products').query({ category: category.slug, q: word, maxPrice: 500, inStock: 'true' }).expect(200);

      expect(res.body.items.map((p: { id: string }) => p.id)).toEqual([match.id]);
      expect(res.body.total).toBe(1);
    });

    test('when searching, then the SQL filters on the trigram-indexed expression, so the index serves it', async () => {
      const sql = productListSql(productListQuery.parse({ q: 'arabica' }));
      const client = await shop.db.pool.connect();
      try {
        // On a table this small the planner prefers other paths: take them away (rolled back)
        await client.query('BEGIN');
        await client.query(
          'DROP INDEX products_active_created_at_id_idx, products_active_price_min_minor_id_idx, products_active_title_id_idx, products_category_id_active_created_at_id_idx',
        );
        await client.query('SET LOCAL enable_seqscan = off');
        const plan = (await client.query({ text: `EXPLAIN ${sql.count.text}`, values: sql.count.values })).rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan).toMatch(/Bitmap Index Scan on products_search_trgm_idx.*\n.*Index Cond: \(lower\(.*~~ '%arabica%'/);
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    });
  });

  describe('bad input', () => {
    const otherSortCursor = async () => (await shop.request.get('/api/products').query({ sort: 'title', limit: 1 }).expect(200)).body.nextCursor as string;

    test.each([
      ['limit=0', { limit: '0' }, 'limit'],
      ['limit=101', { limit: '101' }, 'limit'],
      ['limit=abc', { limit: 'abc' }, 'limit'],
      ['limit=1.5', { limit: '1.5' }, 'limit'],
      ['limit=-1', { limit: '-1' }, 'limit'],
      ['an unknown sort', { sort: 'cheapest' }, 'sort'],
      ['a malformed cursor', { cursor: 'not-a-cursor' }, 'cursor'],
      ['a cursor of base64 garbage', { cursor: Buffer.from('[1,2,3]').toString('base64url') }, 'cursor'],
      ['a negative minPrice', { minPrice: '-1' }, 'minPrice'],
      ['a fractional maxPrice', { maxPrice: '9.99' }, 'maxPrice'],
      ['minPrice above maxPrice', { minPrice: '500', maxPrice: '100' }, 'maxPrice'],
      ['inStock=yes', { inStock: 'yes' }, 'inStock'],
      ['an empty q', { q: ' ' }, 'q'],
      ['a q of 101 characters', { q: 'x'.repeat(101) }, 'q'],
      ['an unknown parameter', { colour: 'red' }, ''],
    ])('when given %s, then 400 naming the field', async (_case, query, field) => {
      const res = await shop.request.get('/api/products').query(query).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    });

    test('when a parameter is repeated, then 400', async () => {
      const res = await shop.request.get('/api/products?limit=5&limit=6').expect(400);
      expect(res.body.errors[0].path).toBe('limit');
    });

    // Cursors a client tampered with: each once reached PostgreSQL and answered 500.
    const tampered = (fields: unknown[]) => Buffer.from(JSON.stringify(fields)).toString('base64url');
    const id = '3f0c2a56-8d1e-4c4b-9a57-0c2b4f1e9d10';
    test.each([
      ['a newest cursor dated "1 2" (Date.parse accepts it)', 'newest', tampered(['newest', '1 2', id])],
      ['a newest cursor dated beyond PostgreSQL', 'newest', tampered(['newest', '+275760-09-13T00:00:00.000Z', id])],
      ['a newest cursor dated in year 0', 'newest', tampered(['newest', '0000-01-01T00:00:00.000Z', id])],
      ['a newest cursor dated 30 February', 'newest', tampered(['newest', '2025-02-30T00:00:00.000Z', id])],
      ['a newest cursor with a local-time date', 'newest', tampered(['newest', '2025-01-01T00:00:00', id])],
      ['a price cursor beyond a 32-bit integer', 'price_asc', tampered(['price_asc', 2 ** 40, id])],
      ['a title cursor holding a NUL', 'title', tampered(['title', 'a\u0000b', id])],
      ['a cursor whose id is 36 dashes', 'newest', tampered(['newest', '2025-01-01T00:00:00.000Z', '-'.repeat(36)])],
    ])('when given %s, then 400 naming the cursor', async (_case, sort, cursor) => {
      const res = await shop.request.get('/api/products').query({ sort, cursor }).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ path: 'cursor', message: expect.any(String) }]);
    });

    test('when a cursor made for another sort is used, then 400 naming the cursor', async () => {
      const res = await shop.request
        .get('/api/products')
        .query({ sort: 'price_asc', cursor: await otherSortCursor() })
        .expect(400);
      expect(res.body.errors).toEqual([{ path: 'cursor', message: expect.any(String) }]);
    });
  });
});
