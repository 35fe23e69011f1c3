import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import sharp from 'sharp';
import { prepareImage, type Rendition } from '../../src/media/image-upload.js';
import type { MediaStorage } from '../../src/media/storage.js';

export type SampleFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff';

/** A real image file of one solid colour, made by sharp (as a camera or an editor would save it). */
export function sampleImage(format: SampleFormat, options: { width?: number; height?: number; colour?: string } = {}): Promise<Buffer> {
  const { width = 800, height = 600, colour = '#c0392b' } = options;
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .toFormat(format)
    .toBuffer();
}

export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>');
export const HTML_AFTER_IMAGE = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');

/** A file that is a valid image and also something else: here an HTML page after the PNG's end. */
export async function polyglotPng(): Promise<Buffer> {
  return Buffer.concat([await sampleImage('png', { width: 20, height: 20 }), HTML_AFTER_IMAGE]);
}

/** JPEG's first bytes, then a script: passes a check by magic number alone. */
export const FAKE_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), HTML_AFTER_IMAGE]);

export type ImageFixture = { id: string; key: string; alt: string; renditions: Rendition[] };

/** An uploaded image of a product, as the panel stores it: its sizes in `storage`, its row in product_images. */
export async function addProductImage(
  pool: pg.Pool,
  storage: MediaStorage,
  productId: string,
  input: { alt?: string; position?: number; variantId?: string | null; colour?: string } = {},
): Promise<ImageFixture> {
  const image = await prepareImage(await sampleImage('png', { width: 900, height: 600, colour: input.colour }), 10 * 1_048_576);
  const key = randomUUID();
  await storage.save(key, image.renditions);
  const alt = input.alt ?? `Picture ${key.slice(0, 8)}`;
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO product_images (product_id, variant_id, position, alt, media_key, mime_type, byte_size, file_name, width, height)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'sample.png', $8, $9) RETURNING id`,
    [productId, input.variantId ?? null, input.position ?? 0, alt, key, image.mimeType, image.byteSize, image.width, image.height],
  );
  return { id: rows[0].id, key, alt, renditions: image.renditions };
}
