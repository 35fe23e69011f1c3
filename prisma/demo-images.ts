import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import sharp from 'sharp';
import { prepareImage } from '../src/media/image-upload.js';
import type { MediaStorage } from '../src/media/storage.js';

// A few demo products get pictures as staff would upload them (generated here: a colour and a
// darker band, so nothing is downloaded), two for the mug, so the tour shows `mainImage` and
// `images`. The other demo products keep their typed image URLs.
const DEMO_IMAGES: Record<string, [colour: string, alt: string][]> = {
  'stoneware-mug': [
    ['#b5651d', 'A stoneware mug in a warm brown glaze'],
    ['#7f4513', 'The stoneware mug from above'],
  ],
  'pour-over-dripper': [['#e8e4dc', 'A white ceramic pour-over dripper']],
  'gooseneck-kettle': [['#2f3437', 'A matt black gooseneck kettle']],
};

async function picture(colour: string): Promise<Buffer> {
  const band = await sharp({ create: { width: 1200, height: 300, channels: 3, background: '#00000040' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 1200, height: 1200, channels: 3, background: colour } })
    .composite([{ input: band, top: 900, left: 0, blend: 'multiply' }])
    .jpeg()
    .toBuffer();
}

/** The demo pictures, into those demo products that have no image at all; answers how many it added. */
export async function seedDemoImages(pool: pg.Pool, storage: MediaStorage): Promise<number> {
  const { rows } = await pool.query<{ id: string; slug: string }>(
    `SELECT p.id, p.slug FROM products p WHERE p.slug = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM product_images i WHERE i.product_id = p.id)`,
    [Object.keys(DEMO_IMAGES)],
  );
  let added = 0;
  for (const product of rows) {
    for (const [position, [colour, alt]] of DEMO_IMAGES[product.slug].entries()) {
      const image = await prepareImage(await picture(colour), 10 * 1_048_576);
      const key = randomUUID();
      await storage.save(key, image.renditions);
      await pool.query(
        `INSERT INTO product_images (product_id, position, alt, media_key, mime_type, byte_size, file_name, width, height)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [product.id, position, alt, key, image.mimeType, image.byteSize, `${product.slug}.jpg`, image.width, image.height],
      );
      added += 1;
    }
  }
  return added;
}
