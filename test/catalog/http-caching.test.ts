import { useTestShop } from '../helpers/test-app.js';
import { createCategory, createProduct } from '../helpers/fixtures.js';

const shop = useTestShop();
let category: Awaited<ReturnType<typeof createCategory>>;
let product: Awaited<ReturnType<typeof createProduct>>;
beforeAll(async () => {
  category = await createCategory(shop.db.pool);
  product = await createProduct(shop.db.pool, { categoryId: category.id });
});

// [the read, how to build its URL, a change that alters its answer]
const catalogReads: [string, () => string, () => string][] = [
  ['GET /api/categories', () => '/api/categories', () => `UPDATE categories SET name = name || '!' WHERE id = '${category.id}'`],
  ['GET /api/categories/{slug}', () => `/api/categories/${category.slug}`, () => `UPDATE categories SET description = description || '!' WHERE id = '${category.id}'`],
  ['GET /api/products', () => `/api/products?category=${category.slug}`, () => `UPDATE products SET price_minor = price_minor + 1 WHERE id = '${product.id}'`],
  ['GET /api/products/{idOrSlug}', () => `/api/products/${product.slug}`, () => `UPDATE products SET stock = stock + 1 WHERE id = '${product.id}'`],
];

describe('conditional catalog reads (ETag / If-None-Match)', () => {
  test.each(catalogReads)('when %s is repeated with its ETag, then 304 until the data changes, then 200 with a new ETag', async (_read, urlOf, changeOf) => {
    const url = urlOf();
    const first = await shop.request.get(url).expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[^"]+"$/); // strong
    expect(first.headers['cache-control']).toBe('public, max-age=10');

    const unchanged = await shop.request.get(url).set('If-None-Match', etag).expect(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.etag).toBe(etag);

    await shop.db.pool.query(changeOf());
    const changed = await shop.request.get(url).set('If-None-Match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  test('when If-None-Match names another tag, then the full answer', async () => {
    const res = await shop.request.get('/api/categories').set('If-None-Match', '"some-old-tag"').expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
  });

  test('when the answer is an error, then it is never a 304', async () => {
    const miss = await shop.request.get('/api/products/no-such-product').expect(404);
    await shop.request.get('/api/products/no-such-product').set('If-None-Match', miss.headers.etag ?? '*').expect(404);
  });
});
