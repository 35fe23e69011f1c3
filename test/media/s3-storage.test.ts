// The S3-compatible storage (src/media/s3-storage.ts) through the real AWS SDK, against a fake
// S3 on loopback; and the catalog answering the bucket's public URLs when MEDIA_STORAGE=s3.
import { randomUUID } from 'node:crypto';
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { configuredMediaStorage } from '../../src/media/configured-storage.js';
import { prepareImage, type PreparedImage } from '../../src/media/image-upload.js';
import { loadConfig } from '../../src/config.js';
import { startFakeS3, type FakeS3 } from '../helpers/fake-s3.js';
import { sampleImage, addProductImage } from '../helpers/image-fixtures.js';
import { createProduct } from '../helpers/fixtures.js';
import { useTestShop } from '../helpers/test-app.js';

let s3: FakeS3;
let image: PreparedImage;
beforeAll(async () => {
  s3 = await startFakeS3();
  image = await prepareImage(await sampleImage('jpeg', { width: 1200, height: 800 }), 10 * 1_048_576);
});
afterAll(() => s3.close());

const storageFor = (env: Record<string, string>) => configuredMediaStorage(loadConfig({ NODE_ENV: 'test', ...env }), undefined as never);

describe('S3 storage', () => {
  test('when an upload is saved, then each size is one object under <key>/<size>, with its type and an immutable Cache-Control', async () => {
    const key = randomUUID();

    await storageFor(s3.env).save(key, image.renditions);

    for (const r of image.renditions) {
      const stored = s3.objects.get(`${key}/${r.size}`);
      expect(stored).toMatchObject({ contentType: 'image/webp', cacheControl: 'public, max-age=31536000, immutable' });
      expect(Buffer.compare(stored!.body, r.bytes)).toBe(0);
    }
    // what a browser then gets from the bucket
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.env.MEDIA_S3_ACCESS_KEY_ID, secretAccessKey: 'x' },
    });
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${key}/card` }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(image.renditions[1].bytes)).toBe(true);
  });

  test('when an upload is removed, then all its objects are gone and the others stay', async () => {
    const storage = storageFor(s3.env);
    const [gone, kept] = [randomUUID(), randomUUID()];
    await Promise.all([storage.save(gone, image.renditions), storage.save(kept, image.renditions)]);

    await storage.remove(gone);

    expect([...s3.objects.keys()].filter((name) => name.startsWith(gone))).toEqual([]);
    expect([...s3.objects.keys()].filter((name) => name.startsWith(kept)).sort()).toEqual([`${kept}/card`, `${kept}/full`, `${kept}/thumbnail`]);
  });

  test('when removing a key that has no objects, then nothing fails (S3 deletes are idempotent)', async () => {
    await expect(storageFor(s3.env).remove(randomUUID())).resolves.toBeUndefined();
  });

  test('when URLs are asked for, then they are on the public base URL, one per size', () => {
    const storage = storageFor(s3.env);

    expect(storage.urlsOf('k1')).toEqual({
      thumbnail: 'https://cdn.shop.test/shop-media/k1/thumbnail',
      card: 'https://cdn.shop.test/shop-media/k1/card',
      full: 'https://cdn.shop.test/shop-media/k1/full',
    });
    expect(storage.origin).toBe('https://cdn.shop.test');
  });

  test('when the bucket does not exist, then saving fails with S3’s NoSuchBucket', async () => {
    const storage = storageFor({ ...s3.env, MEDIA_S3_BUCKET: 'no-such-bucket' });

    await expect(storage.save(randomUUID(), image.renditions)).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  test('when the keys are wrong, then saving fails with S3’s refusal', async () => {
    const storage = storageFor({ ...s3.env, MEDIA_S3_ACCESS_KEY_ID: 'AKIAOTHER' });

    await expect(storage.save(randomUUID(), image.renditions)).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('configuration', () => {
  test.each([
    [{ MEDIA_STORAGE: 's3' }, /MEDIA_S3_BUCKET: required with MEDIA_STORAGE=s3/],
    [{ MEDIA_STORAGE: 's3', MEDIA_S3_BUCKET: 'b' }, /MEDIA_S3_PUBLIC_BASE_URL: required with MEDIA_STORAGE=s3/],
    [{ MEDIA_S3_ACCESS_KEY_ID: 'AKIA' }, /MEDIA_S3_SECRET_ACCESS_KEY: MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY go together/],
    [{ MEDIA_STORAGE: 'disk' }, /MEDIA_STORAGE/],
    [{ MEDIA_MAX_UPLOAD_BYTES: '12' }, /MEDIA_MAX_UPLOAD_BYTES/],
  ])('when the settings are %j, then start-up stops naming the variable', (env, message) => {
    expect(() => loadConfig({ NODE_ENV: 'test', ...env })).toThrow(message);
  });
});

describe('the catalog with MEDIA_STORAGE=s3', () => {
  const shop = useTestShop({ env: { MEDIA_STORAGE: 's3', MEDIA_S3_BUCKET: 'shop-media', MEDIA_S3_PUBLIC_BASE_URL: 'https://cdn.shop.test/shop-media' } });

  test('when a product has an image in the bucket, then its listing and page answer the bucket’s URLs', async () => {
    const product = await createProduct(shop.db.pool);
    const stored = await addProductImage(shop.db.pool, storageFor(s3.env), product.id, { alt: 'A blue mug' });

    const page = await shop.request.get(`/api/products/${product.id}`).expect(200);

    const urls = {
      thumbnail: `https://cdn.shop.test/shop-media/${stored.key}/thumbnail`,
      card: `https://cdn.shop.test/shop-media/${stored.key}/card`,
      full: `https://cdn.shop.test/shop-media/${stored.key}/full`,
    };
    expect(page.body).toMatchObject({
      mainImage: { alt: 'A blue mug', urls },
      imageUrl: urls.card,
      images: [expect.objectContaining({ alt: 'A blue mug', urls })],
    });
    const listed = await shop.request.get(`/api/products?limit=100`).expect(200);
    expect(listed.body.items.find((p: { id: string }) => p.id === product.id)).toMatchObject({ mainImage: { alt: 'A blue mug', urls }, imageUrl: urls.card });
  });
});
