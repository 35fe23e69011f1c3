import { randomUUID } from 'node:crypto';
import { useTestShop } from '../helpers/test-app.js';
import { createCategory, createProduct, productJson } from '../helpers/fixtures.js';

const shop = useTestShop();

describe('GET /api/products/{idOrSlug}', () => {
  test('when asked by id or by slug, then the same active product', async () => {
    const category = await createCategory(shop.db.pool);
    const product = await createProduct(shop.db.pool, { categoryId: category.id, priceMinor: 2490, stock: 3 });

    const byId = await shop.request.get(`/api/products/${product.id}`).expect(200);
    const bySlug = await shop.request.get(`/api/products/${product.slug}`).expect(200);

    expect(byId.body).toEqual(productJson(product, category, 'page'));
    expect(byId.body).toMatchObject({ priceRange: { minMinor: 2490, maxMinor: 2490 }, inStock: true, variants: [{ priceMinor: 2490, stock: 3 }] });
    expect(bySlug.body).toEqual(byId.body);
  });

  test('when the product is inactive, then 404 by id and by slug', async () => {
    const product = await createProduct(shop.db.pool, { active: false });

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
    const product = await createProduct(shop.db.pool);
    await shop.request.get(`/api/products/${product.id}`).set('Authorization', 'Bearer forged.token.here').expect(200);
  });

  test('when the reference is longer than any slug, then 400', async () => {
    const res = await shop.request.get(`/api/products/${'x'.repeat(201)}`).expect(400);
    expect(res.body.errors[0].path).toBe('idOrSlug');
  });
});
