// The demo catalog's generated pictures (prisma/demo-images.ts), as `npm start` seeds them.
import { seedDemoCatalog } from '../../prisma/demo-catalog.js';
import { seedDemoImages } from '../../prisma/demo-images.js';
import { postgresStorage } from '../../src/media/postgres-storage.js';
import { useTestShop } from '../helpers/test-app.js';

const shop = useTestShop();

test('when the demo catalog is seeded, then a few products get pictures the storefront shows and serves, once however often it runs', async () => {
  await seedDemoCatalog(shop.db.prisma, 'USD');
  const storage = postgresStorage(shop.db.pool, shop.config.PUBLIC_BASE_URL);

  const added = await seedDemoImages(shop.db.pool, storage);
  const again = await seedDemoImages(shop.db.pool, storage);

  expect([added, again]).toEqual([4, 0]);
  const mug = await shop.request.get('/api/products/stoneware-mug').expect(200);
  expect(mug.body.images.map((i: { alt: string; main: boolean }) => [i.alt, i.main])).toEqual([
    ['A stoneware mug in a warm brown glaze', true],
    ['The stoneware mug from above', false],
  ]);
  const path = new URL(mug.body.mainImage.urls.card).pathname;
  const card = await shop.request.get(path).expect(200);
  expect(card.headers['content-type']).toBe('image/webp');
  const { rows } = await shop.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM media_objects');
  expect(rows[0].n).toBe(4 * 3);
});
