// Staff upload product images in the panel (ProductImage, with @adminjs/upload over the media
// storage): each file is checked by its bytes and sized once; refusals are field errors and
// store nothing; the first image in order is the main one; deleting or replacing one frees its files.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { adminApi, panelPerFile } from '../helpers/admin-fixtures.js';
import { createProduct, createProductWithVariants } from '../helpers/fixtures.js';
import { FAKE_JPEG, polyglotPng, sampleImage, SVG } from '../helpers/image-fixtures.js';

const MAX_BYTES = 256 * 1024;
const panel = panelPerFile({ env: { MEDIA_MAX_UPLOAD_BYTES: String(MAX_BYTES) } });
const pool = () => panel.shop.db.pool;

type Upload = { bytes: Buffer; filename: string; contentType: string };
const upload = (format: 'jpeg' | 'png' | 'webp' | 'avif', colour?: string): Promise<Upload> =>
  sampleImage(format, { width: 1000, height: 800, colour }).then((bytes) => ({ bytes, filename: `photo.${format}`, contentType: `image/${format}` }));

/** The panel's new-image form, as the browser sends it (multipart, the file picker's list under `file.0`). */
function postImage(fields: Record<string, string>, file?: Upload) {
  const req = panel.staff.post(adminApi.resourceAction('ProductImage', 'new'));
  for (const [name, value] of Object.entries(fields)) req.field(name, value);
  if (file) req.attach('file.0', file.bytes, { filename: file.filename, contentType: file.contentType });
  return req.expect(200);
}

async function imagesOf(productId: string) {
  const { rows } = await pool().query<{
    id: string;
    alt: string;
    position: number;
    mediaKey: string | null;
    mimeType: string;
    width: number;
    height: number;
    variantId: string | null;
  }>(
    `SELECT id, alt, position, media_key AS "mediaKey", mime_type AS "mimeType", width, height, variant_id AS "variantId"
       FROM product_images WHERE product_id = $1 ORDER BY position, created_at, id`,
    [productId],
  );
  return rows;
}
const storedSizes = async (key: string) =>
  (await pool().query<{ size: string }>('SELECT size FROM media_objects WHERE key = $1 ORDER BY size', [key])).rows.map((r) => r.size);
const mediaCount = async () => (await pool().query<{ n: number }>('SELECT count(*)::int AS n FROM media_objects')).rows[0].n;
const uploadsLeftOnDisk = () => readdirSync(tmpdir()).filter((name) => /^upload_[0-9a-f]{32}$/.test(name));

describe('uploading an image', () => {
  test.each(['jpeg', 'png', 'webp', 'avif'] as const)(
    'when staff upload a %s with its alt text, then the row records the type read from the bytes, all three sizes are stored and the panel shows the product’s images',
    async (format) => {
      const product = await createProduct(pool());
      const file = await upload(format);

      const res = await postImage({ product: product.id, alt: 'The mug from the front' }, file);

      expect(res.body.record.errors).toEqual({});
      expect(res.body.redirectUrl).toBe(`/admin/resources/ProductImage?filters.product=${product.id}&sortBy=position&direction=asc`);
      const [row] = await imagesOf(product.id);
      expect(row).toMatchObject({ alt: 'The mug from the front', position: 0, mimeType: `image/${format}`, width: 1000, height: 800, variantId: null });
      expect(row.mediaKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(await storedSizes(row.mediaKey!)).toEqual(['card', 'full', 'thumbnail']);
      const full = await panel.shop.request.get(`/media/${row.mediaKey}/full`).expect(200);
      expect((await sharp(full.body as Buffer).metadata()).format).toBe('webp');
    },
  );

  test('when the browser claims another type than the bytes are, then the bytes decide', async () => {
    const product = await createProduct(pool());
    const png = await upload('png');

    await postImage({ product: product.id, alt: 'Mislabelled' }, { ...png, filename: 'photo.jpg', contentType: 'image/jpeg' });

    expect((await imagesOf(product.id))[0].mimeType).toBe('image/png');
  });

  test('when staff give the image a variant of the product, then it is recorded, and the storefront shows it for that variant', async () => {
    const product = await createProductWithVariants(pool(), {
      options: [{ name: 'Colour', values: ['Red', 'Blue'] }],
      variants: [{ optionValues: { Colour: 'Red' } }, { optionValues: { Colour: 'Blue' } }],
    });
    const blue = product.variants[1];

    await postImage({ product: product.id, variant: blue.id, alt: 'The blue one' }, await upload('jpeg', '#2244cc'));

    const [row] = await imagesOf(product.id);
    expect(row.variantId).toBe(blue.id);
    const page = await panel.shop.request.get(`/api/products/${product.id}`).expect(200);
    expect(page.body.images).toEqual([expect.objectContaining({ alt: 'The blue one', variantId: blue.id, main: true })]);
    expect(page.body.variants.find((v: { id: string }) => v.id === blue.id).imageUrl).toBe(page.body.images[0].urls.card);
  });
});

describe('refused uploads store nothing', () => {
  const oversize = async (): Promise<Upload> => ({
    bytes: await sharp({ create: { width: 500, height: 500, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .png()
      .toBuffer(),
    filename: 'noise.png',
    contentType: 'image/png',
  });
  const refusals: [string, () => Promise<Upload | undefined>, Record<string, string>, string, RegExp][] = [
    ['an SVG', async () => ({ bytes: SVG, filename: 'logo.svg', contentType: 'image/svg+xml' }), {}, 'file', /JPEG, PNG, WebP or AVIF/],
    ['a GIF', async () => ({ bytes: await sampleImage('gif', { width: 30, height: 30 }), filename: 'a.gif', contentType: 'image/gif' }), {}, 'file', /GIF/],
    ['a text file named .jpg', async () => ({ bytes: Buffer.from('hello'), filename: 'a.jpg', contentType: 'image/jpeg' }), {}, 'file', /not an image/],
    [
      'a PNG with an HTML page after it',
      async () => ({ bytes: await polyglotPng(), filename: 'a.png', contentType: 'image/png' }),
      {},
      'file',
      /data after the end/,
    ],
    ['a JPEG header with a script', async () => ({ bytes: FAKE_JPEG, filename: 'a.jpg', contentType: 'image/jpeg' }), {}, 'file', /data after the end/],
    ['a file over MEDIA_MAX_UPLOAD_BYTES', oversize, {}, 'file', /the limit is 0\.3 MB/],
    ['no file', async () => undefined, {}, 'file', /Choose an image file/],
    ['no alt text', () => upload('png'), { alt: '' }, 'alt', /describe the image/],
    ['an alt text of 301 characters', () => upload('png'), { alt: 'x'.repeat(301) }, 'alt', /at most 300/],
    ['a negative position', () => upload('png'), { position: '-1' }, 'position', /0 or more/],
  ];

  test('when the upload is larger than the form parser takes, then 413 BODY_TOO_LARGE at once, and nothing is stored', async () => {
    const product = await createProduct(pool());
    const before = await mediaCount();
    const huge = { bytes: Buffer.alloc(MAX_BYTES + 2 * 1024 * 1024, 1), filename: 'huge.png', contentType: 'image/png' };

    const res = await panel.staff
      .post(adminApi.resourceAction('ProductImage', 'new'))
      .field('product', product.id)
      .field('alt', 'Too big')
      .attach('file.0', huge.bytes, { filename: huge.filename, contentType: huge.contentType })
      .ok(() => true);

    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code ?? JSON.parse(res.text).code).toBe('BODY_TOO_LARGE');
    expect(await imagesOf(product.id)).toEqual([]);
    expect(await mediaCount()).toBe(before);
  });

  test.each(refusals)(
    'when staff upload %s, then the form shows why on the field, and no row, no file and no temporary upload is left',
    async (_name, file, fields, field, message) => {
      const product = await createProduct(pool());
      const [before, tempBefore] = [await mediaCount(), uploadsLeftOnDisk().length];

      const res = await postImage({ product: product.id, alt: 'A picture', ...fields }, await file());

      expect(res.body.record.errors[field].message).toMatch(message);
      expect(await imagesOf(product.id)).toEqual([]);
      expect(await mediaCount()).toBe(before);
      expect(uploadsLeftOnDisk().length).toBeLessThanOrEqual(tempBefore);
    },
  );

  test('when the variant belongs to another product, then it is refused on the variant field', async () => {
    const [product, other] = await Promise.all([createProduct(pool()), createProduct(pool())]);

    const res = await postImage({ product: product.id, variant: other.variantId, alt: 'Wrong variant' }, await upload('png'));

    expect(res.body.record.errors.variant.message).toMatch(/one of this product’s variants/);
    expect(await imagesOf(product.id)).toEqual([]);
  });
});

describe('order and the main image', () => {
  test('when staff upload several images at once, then each is stored once with its own key, all come after the existing ones, and the first is main', async () => {
    const product = await createProduct(pool());
    await postImage({ product: product.id, alt: 'First' }, await upload('jpeg', '#111111'));
    const files = await Promise.all(['#aa0000', '#00aa00', '#0000aa', '#aaaa00'].map((colour) => upload('webp', colour)));

    await Promise.all(files.map((file, i) => postImage({ product: product.id, alt: `Batch ${i}` }, file)));

    const rows = await imagesOf(product.id);
    expect(rows).toHaveLength(5);
    expect(rows[0].alt).toBe('First');
    expect(rows.slice(1).every((r) => r.position >= 1)).toBe(true);
    expect(new Set(rows.map((r) => r.mediaKey)).size).toBe(5);
    for (const row of rows) expect(await storedSizes(row.mediaKey!)).toEqual(['card', 'full', 'thumbnail']);
    const page = await panel.shop.request.get(`/api/products/${product.id}`).expect(200);
    expect(page.body.images.map((i: { alt: string; main: boolean }) => [i.alt, i.main])).toEqual(rows.map((r, at) => [r.alt, at === 0]));
  });

  test('when staff move the second image up, then it becomes the main image in the listing and on the page', async () => {
    const product = await createProduct(pool());
    await postImage({ product: product.id, alt: 'Front' }, await upload('png', '#101010'));
    await postImage({ product: product.id, alt: 'Back' }, await upload('png', '#202020'));
    const [, back] = await imagesOf(product.id);

    const moved = await panel.staff
      .post(adminApi.recordAction('ProductImage', back.id, 'move'))
      .type('form')
      .send({ direction: 'up' })
      .expect(200);

    expect(moved.body.notice.type).toBe('success');
    expect((await imagesOf(product.id)).map((r) => [r.alt, r.position])).toEqual([
      ['Back', 0],
      ['Front', 1],
    ]);
    const listed = await panel.shop.request.get('/api/products?limit=100').expect(200);
    expect(listed.body.items.find((p: { id: string }) => p.id === product.id).mainImage.alt).toBe('Back');
  });
});

describe('replacing and deleting', () => {
  test('when staff replace an image’s file, then it gets a new key (its URLs stay immutable) and the old sizes are removed', async () => {
    const product = await createProduct(pool());
    await postImage({ product: product.id, alt: 'Old' }, await upload('png', '#333333'));
    const [before] = await imagesOf(product.id);
    const file = await upload('jpeg', '#444444');

    const res = await panel.staff
      .post(adminApi.recordAction('ProductImage', before.id, 'edit'))
      .field('alt', 'New')
      .attach('file.0', file.bytes, { filename: 'new.jpg', contentType: 'image/jpeg' })
      .expect(200);

    expect(res.body.record.errors).toEqual({});
    const [after] = await imagesOf(product.id);
    expect(after).toMatchObject({ id: before.id, alt: 'New', mimeType: 'image/jpeg' });
    expect(after.mediaKey).not.toBe(before.mediaKey);
    expect(await storedSizes(after.mediaKey!)).toEqual(['card', 'full', 'thumbnail']);
    expect(await storedSizes(before.mediaKey!)).toEqual([]);
    await panel.shop.request.get(`/media/${before.mediaKey}/card`).expect(404);
  });

  test('when staff edit only the alt text, then the file and its key stay', async () => {
    const product = await createProduct(pool());
    await postImage({ product: product.id, alt: 'Before' }, await upload('png'));
    const [before] = await imagesOf(product.id);

    await panel.staff
      .post(adminApi.recordAction('ProductImage', before.id, 'edit'))
      .field('alt', 'After')
      .expect(200);

    const [after] = await imagesOf(product.id);
    expect(after).toMatchObject({ alt: 'After', mediaKey: before.mediaKey });
    expect(await storedSizes(before.mediaKey!)).toEqual(['card', 'full', 'thumbnail']);
  });

  test('when staff delete an image, then its row and all its sizes are gone and the panel goes back to the product’s images', async () => {
    const product = await createProduct(pool());
    await postImage({ product: product.id, alt: 'Doomed' }, await upload('png'));
    const [image] = await imagesOf(product.id);

    const res = await panel.staff.post(adminApi.recordAction('ProductImage', image.id, 'delete')).expect(200);

    expect(res.body.redirectUrl).toBe(`/admin/resources/ProductImage?filters.product=${product.id}&sortBy=position&direction=asc`);
    expect(await imagesOf(product.id)).toEqual([]);
    expect(await storedSizes(image.mediaKey!)).toEqual([]);
  });
});

test('when staff list a product’s images, then each row shows its thumbnail from the media storage', async () => {
  const product = await createProduct(pool());
  await postImage({ product: product.id, alt: 'Listed' }, await upload('png'));
  const [image] = await imagesOf(product.id);

  const res = await panel.staff.get(adminApi.list('ProductImage', `filters.product=${product.id}`)).expect(200);

  expect(res.body.records.map((r: { params: Record<string, unknown> }) => [r.params.alt, r.params.filePath])).toEqual([
    ['Listed', `${panel.shop.config.PUBLIC_BASE_URL}/media/${image.mediaKey}/thumbnail`],
  ]);
});
