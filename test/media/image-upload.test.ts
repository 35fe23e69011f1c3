// Upload validation (src/media/image-upload.ts): the type is read from the bytes, only whole
// JPEG, PNG, WebP and AVIF images within the limits are accepted, and every size is made once.
import sharp from 'sharp';
import { IMAGE_SIZES } from '../../src/media/image-sizes.js';
import { ImageRejected, prepareImage, type ImageRejection } from '../../src/media/image-upload.js';
import { FAKE_JPEG, polyglotPng, sampleImage, SVG } from '../helpers/image-fixtures.js';

const LIMIT = 2 * 1_048_576;

describe('accepted uploads', () => {
  test.each(['jpeg', 'png', 'webp', 'avif'] as const)(
    'when the file is a %s image, then it is accepted with its type read from the bytes and three WebP sizes',
    async (format) => {
      const bytes = await sampleImage(format, { width: 2400, height: 1200 });

      const image = await prepareImage(bytes, LIMIT);

      expect(image).toMatchObject({ mimeType: `image/${format}`, width: 2400, height: 1200, byteSize: bytes.length });
      const sizes = await Promise.all(image.renditions.map(async (r) => ({ size: r.size, type: r.contentType, meta: await sharp(r.bytes).metadata(), r })));
      expect(sizes.map(({ size, type, meta, r }) => [size, type, meta.format, meta.width, meta.height, r.width, r.height])).toEqual([
        ['thumbnail', 'image/webp', 'webp', 200, 100, 200, 100],
        ['card', 'image/webp', 'webp', 600, 300, 600, 300],
        ['full', 'image/webp', 'webp', 1600, 800, 1600, 800],
      ]);
      for (const r of image.renditions) expect(r.etag).toMatch(/^[A-Za-z0-9_-]{43}$/);
    },
  );

  test('when the image is smaller than a size, then that size keeps its pixels (never enlarged)', async () => {
    const image = await prepareImage(await sampleImage('png', { width: 300, height: 450 }), LIMIT);

    expect(image.renditions.map((r) => [r.size, r.width, r.height])).toEqual([
      ['thumbnail', Math.round((200 * 300) / 450), 200],
      ['card', 300, 450],
      ['full', 300, 450],
    ]);
    expect(IMAGE_SIZES.card).toBeGreaterThan(450);
  });

  test('when a JPEG carries an EXIF orientation, then its sizes are upright and its width and height are the upright ones', async () => {
    const turned = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#123456' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();

    const image = await prepareImage(turned, LIMIT);

    expect([image.width, image.height]).toEqual([200, 400]);
    expect(image.renditions.find((r) => r.size === 'full')).toMatchObject({ width: 200, height: 400 });
  });
});

describe('refused uploads', () => {
  const refusals: [string, () => Promise<Buffer> | Buffer, ImageRejection, RegExp][] = [
    ['an SVG (scripts can live in it)', () => SVG, 'unsupported_type', /JPEG, PNG, WebP or AVIF.*SVG/],
    ['a GIF', () => sampleImage('gif', { width: 20, height: 20 }), 'unsupported_type', /this is a GIF file/],
    ['a TIFF', () => sampleImage('tiff', { width: 20, height: 20 }), 'unsupported_type', /this is a TIF file/],
    ['plain text', () => Buffer.from('just some words, no picture'), 'unsupported_type', /not an image/],
    ['an empty file', () => Buffer.alloc(0), 'unsupported_type', /not an image/],
    ['a PNG with an HTML page after its end (a polyglot)', polyglotPng, 'trailing_data', /data after the end of the image/],
    ['a JPEG header followed by a script', () => FAKE_JPEG, 'trailing_data', /data after the end/],
    ['a truncated JPEG', async () => (await sampleImage('jpeg', { width: 400, height: 400 })).subarray(0, 200), 'trailing_data', /data after the end/],
    ['a file over the size limit', () => Buffer.alloc(LIMIT + 1, 0xff), 'too_large', /the limit is 2 MB/],
  ];

  test.each(refusals)('when the file is %s, then it is refused with a message saying why', async (_name, bytes, reason, message) => {
    const refusal = await prepareImage(await bytes(), LIMIT).catch((err: unknown) => err);

    expect(refusal).toBeInstanceOf(ImageRejected);
    expect(refusal).toMatchObject({ reason, message: expect.stringMatching(message) });
  });

  test('when the pixels would exceed 50 megapixels, then it is refused before decoding', async () => {
    // a PNG header claiming 10 000 x 10 000 pixels (structure and all, but tiny on disk)
    const huge = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();

    await expect(prepareImage(huge, 50 * 1_048_576)).rejects.toMatchObject({ reason: 'too_many_pixels' });
  });
});
