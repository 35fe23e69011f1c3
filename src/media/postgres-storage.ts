import type pg from 'pg';
import type { Queryable } from '../shared/db.js';
import { IMAGE_SIZE_NAMES, type ImageSize } from './image-sizes.js';
import type { Rendition } from './image-upload.js';
import { urlsUnder, type MediaStorage } from './storage.js';

/** The default storage: the media_objects table, served at `<PUBLIC_BASE_URL>/media/<key>/<size>` (routes.ts). */
export function postgresStorage(pool: pg.Pool, publicBaseUrl: string): MediaStorage {
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/media`;
  return {
    async save(key, renditions) {
      // one statement: a key has all its sizes or none
      await pool.query(
        `INSERT INTO media_objects (key, size, content_type, etag, bytes)
         SELECT $1, r.size, r.content_type, r.etag, r.bytes FROM unnest($2::text[], $3::text[], $4::text[], $5::bytea[]) AS r(size, content_type, etag, bytes)
         ON CONFLICT (key, size) DO NOTHING`,
        [key, ...columnsOf(renditions)],
      );
    },
    async remove(key) {
      await pool.query('DELETE FROM media_objects WHERE key = $1', [key]);
    },
    urlsOf: (key) => urlsUnder(base, key, IMAGE_SIZE_NAMES),
    origin: new URL(base).origin,
  };
}

function columnsOf(renditions: Rendition[]) {
  return [renditions.map((r) => r.size), renditions.map((r) => r.contentType), renditions.map((r) => r.etag), renditions.map((r) => r.bytes)];
}

export type StoredObject = { contentType: string; etag: string; bytes: Buffer };

/** One size of one upload, as the media route serves it. */
export async function readMediaObject(db: Queryable, key: string, size: ImageSize): Promise<StoredObject | undefined> {
  const { rows } = await db.query<StoredObject>({
    name: 'media-object', // prepared once per connection: the route's one statement
    text: 'SELECT content_type AS "contentType", etag, bytes FROM media_objects WHERE key = $1 AND size = $2',
    values: [key, size],
  });
  return rows[0];
}
