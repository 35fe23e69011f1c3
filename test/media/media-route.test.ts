// GET /media/{key}/{size}: the default storage's files, public, immutable, revalidated by ETag.
import { randomUUID } from 'node:crypto';
import { postgresStorage } from '../../src/media/postgres-storage.js';
import { useTestShop } from '../helpers/test-app.js';
import { createProduct } from '../helpers/fixtures.js';
import { addProductImage, type ImageFixture } from '../helpers/image-fixtures.js';

const shop = useTestShop();
let image: ImageFixture;
beforeAll(async () => {
  const product = await createProduct(shop.db.pool);
  image = await addProductImage(shop.db.pool, postgresStorage(shop.db.pool, shop.config.PUBLIC_BASE_URL), product.id);
});

describe('GET /media/{key}/{size}', () => {
  test.each(['thumbnail', 'card', 'full'] as const)(
    'when the %s of a stored image is asked for, then its WebP bytes come with an ETag and a year-long immutable Cache-Control',
    async (size) => {
      const stored = image.renditions.find((r) => r.size === size)!;

      const res = await shop.request.get(`/media/${image.key}/${size}`).expect(200);

      expect(res.headers).toMatchObject({
        'content-type': 'image/webp',
        etag: `"${stored.etag}"`,
        'cache-control': 'public, max-age=31536000, immutable',
        'cross-origin-resource-policy': 'cross-origin',
        'content-length': String(stored.bytes.length),
      });
      expect(Buffer.compare(res.body as Buffer, stored.bytes)).toBe(0);
    },
  );

  test('when If-None-Match carries its ETag (even with the no-cache a browser adds), then the answer is 304 without a body', async () => {
    const { headers } = await shop.request.get(`/media/${image.key}/card`).expect(200);

    const res = await shop.request.get(`/media/${image.key}/card`).set('If-None-Match', headers.etag).set('Cache-Control', 'no-cache').expect(304);

    expect(res.headers.etag).toBe(headers.etag);
    expect(res.text ?? '').toBe('');
  });

  test('when If-None-Match carries another tag, then the whole image comes again', async () => {
    await shop.request.get(`/media/${image.key}/card`).set('If-None-Match', '"something-else"').expect(200);
  });

  test('when the key is unknown, then the answer is 404 NOT_FOUND as problem+json, and nothing says to keep it', async () => {
    const res = await shop.request.get(`/media/${randomUUID()}/card`).expect(404);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', detail: 'Image was not found' });
    expect(res.headers['cache-control']).toBeUndefined();
  });

  test.each([
    ['a size that is not made', () => `/media/${image.key}/huge`, 'size'],
    ['a key that is not a UUID', () => `/media/not-a-key/card`, 'key'],
    ['a key like a path', () => `/media/..%2F..%2Fetc/card`, 'key'],
  ])('when the path has %s, then the answer is 400 VALIDATION_FAILED naming the part', async (_name, url, field) => {
    const res = await shop.request.get(url()).expect(400);

    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: field })] });
  });

  test('when many browsers ask for the same image at once, then each gets the same bytes', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => shop.request.get(`/media/${image.key}/thumbnail`)));

    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => (a.body as Buffer).toString('base64'))).size).toBe(1);
  });
});
