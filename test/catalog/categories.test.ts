import { useTestShop } from '../helpers/test-app.js';
import { createCategory } from '../helpers/fixtures.js';

const shop = useTestShop();

describe('GET /api/categories', () => {
  test('when categories exist, then all of them, ordered by name', async () => {
    const zebra = await createCategory(shop.db.pool, { name: 'Zebra things', slug: 'zebra-things' });
    const apples = await createCategory(shop.db.pool, { name: 'Apples', slug: 'apples' });

    const res = await shop.request.get('/api/categories').expect(200);

    expect(res.body.items).toEqual([apples, zebra]);
  });
});

describe('GET /api/categories/{slug}', () => {
  test('when the slug exists, then that category', async () => {
    const category = await createCategory(shop.db.pool);

    const res = await shop.request.get(`/api/categories/${category.slug}`).expect(200);

    expect(res.body).toEqual(category);
  });

  test('when no category has the slug, then 404 problem+json', async () => {
    const res = await shop.request.get('/api/categories/no-such-category').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  test('when the slug holds a NUL byte PostgreSQL cannot store, then 400 problem+json, not 500', async () => {
    const res = await shop.request.get('/api/categories/a%00b').expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('UNSTORABLE_TEXT');
  });
});
