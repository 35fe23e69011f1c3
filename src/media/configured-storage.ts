import type pg from 'pg';
import type { Config } from '../config.js';
import { postgresStorage } from './postgres-storage.js';
import { s3Storage } from './s3-storage.js';
import type { MediaStorage } from './storage.js';

/** The storage MEDIA_STORAGE names (config.ts checks that s3 comes with its bucket and public address). */
export function configuredMediaStorage(config: Config, pool: pg.Pool): MediaStorage {
  if (config.MEDIA_STORAGE === 'postgres') return postgresStorage(pool, config.PUBLIC_BASE_URL);
  const { MEDIA_S3_ACCESS_KEY_ID: accessKeyId, MEDIA_S3_SECRET_ACCESS_KEY: secretAccessKey } = config;
  return s3Storage({
    endpoint: config.MEDIA_S3_ENDPOINT,
    region: config.MEDIA_S3_REGION,
    bucket: config.MEDIA_S3_BUCKET!,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: config.MEDIA_S3_FORCE_PATH_STYLE,
    publicBaseUrl: config.MEDIA_S3_PUBLIC_BASE_URL!,
  });
}
