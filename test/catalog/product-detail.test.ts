import { randomUUID } from 'node:crypto';
import { createTestDatabase, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createCategory, createProduct } from '../helpers/catalog-fixtures.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let shop: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  shop = await startTestApp({ databaseUrl: database.url });
});
afterAll(async () => {
  await shop.close();
  await database.drop();
});

describe('GET /api/products/{idOrSlug}', () => {
  test('when asked by id or by slug, then the same active product', async () => {
    const category = await createCategory(shop.db);
    const product = await createProduct(shop.db, { categoryId: category.id, priceMinor: 2490, stock: 3 });

    const byId = await shop.request.get(`/api/products/${product.id}`).expect(200);
    const bySlug = await shop.request.get(`/api/products/${product.slug}`).expect(200);

    expect(byId.body).toEqual({
      id: product.id,
      sku: product.sku,
      slug: product.slug,
      title: product.title,
      description: product.description,
      imageUrl: 'https://img.example/p.jpg',
      priceMinor: 2490,
      currency: 'USD',
      stock: 3,
      inStock: true,
      category: { id: category.id, slug: category.slug, name: category.name },
      createdAt: product.createdAt.toISOString(),
    });
    expect(bySlug.body).toEqual(byId.body);
  });

  test('when the product is inactive, then 404 by id and by slug', async () => {
    const product = await createProduct(shop.db, { active: false });

    for (const ref of [product.id, product.slug]) {
      const res = await shop.request.get(`/api/products/${ref}`).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('NOT_FOUND');
    }
  });

  test('when no product has that id or slug, then 404', async () => {
    await shop.request.get(`/api/products/${randomUUID()}`).expect(404);
    await shop.request.get('/api/products/no-such-product').expect(404);
  });

  test('when the request carries a forged session token, then the public read still answers', async () => {
    const product = await createProduct(shop.db);
    await shop.request.get(`/api/products/${product.id}`).set('Authorization', 'Bearer forged.token.here').expect(200);
  });

  test('when the reference is longer than any slug, then 400', async () => {
    const res = await shop.request.get(`/api/products/${'x'.repeat(201)}`).expect(400);
    expect(res.body.errors[0].path).toBe('idOrSlug');
  });
});
