import type { ImageSize, ImageUrls } from './image-sizes.js';
import type { Rendition } from './image-upload.js';

/**
 * Where the sizes of uploaded images live, shared by every instance: PostgreSQL by default
 * (postgres-storage.ts, served by this app's /media route), or an S3-compatible bucket
 * (s3-storage.ts, served by the bucket or a CDN in front of it). A key names one upload and its
 * bytes never change, so every URL may be cached forever.
 */
export interface MediaStorage {
  /** stores every size of one upload under its key; storing the same key again replaces nothing it would not write identically */
  save(key: string, renditions: Rendition[]): Promise<void>;
  /** forgets every size of an upload (nothing to forget is no error) */
  remove(key: string): Promise<void>;
  /** the public URL of each size */
  urlsOf(key: string): ImageUrls;
  /** the origin those URLs are on (the staff panel's Content-Security-Policy admits its images) */
  readonly origin: string;
}

/** A key's bytes never change, so browsers and CDNs may keep every size for good. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The public URLs of one key under a base, one path segment per size: `<base>/<key>/<size>`. */
export function urlsUnder(base: string, key: string, sizes: readonly ImageSize[]): ImageUrls {
  const root = base.replace(/\/+$/, '');
  return Object.fromEntries(sizes.map((size) => [size, `${root}/${encodeURIComponent(key)}/${size}`])) as ImageUrls;
}
