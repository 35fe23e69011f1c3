import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { IMAGE_SIZE_NAMES } from './image-sizes.js';
import { IMMUTABLE, urlsUnder, type MediaStorage } from './storage.js';

export type S3Settings = {
  /** an S3-compatible service's address (MinIO, R2, Spaces...); unset: AWS by region */
  endpoint?: string;
  region: string;
  bucket: string;
  /** unset: the SDK's own chain (environment, instance role) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** bucket in the path (`<endpoint>/<bucket>/<key>`), as most S3-compatible services and local stand-ins want */
  forcePathStyle: boolean;
  /** where browsers fetch the objects: the bucket's public address or a CDN in front of it */
  publicBaseUrl: string;
};

/** Uploads in a bucket, one object per size: `<key>/<size>`, served from the bucket's public address. */
export function s3Storage(settings: S3Settings): MediaStorage {
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    credentials: settings.credentials,
    forcePathStyle: settings.forcePathStyle,
    // SDK 3.729+ adds CRC checksums to every upload by default, which several S3-compatible
    // services refuse (aws/aws-sdk-js-v3#6810): only where the operation requires one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const name = (key: string, size: string) => `${key}/${size}`;
  return {
    async save(key, renditions) {
      await Promise.all(
        renditions.map((r) =>
          client.send(
            new PutObjectCommand({ Bucket: settings.bucket, Key: name(key, r.size), Body: r.bytes, ContentType: r.contentType, CacheControl: IMMUTABLE }),
          ),
        ),
      );
    },
    async remove(key) {
      // one DELETE per object: every S3-compatible service has it (a batch DeleteObjects is less widely supported)
      await Promise.all(IMAGE_SIZE_NAMES.map((size) => client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: name(key, size) }))));
    },
    urlsOf: (key) => urlsUnder(settings.publicBaseUrl, key, IMAGE_SIZE_NAMES),
    origin: new URL(settings.publicBaseUrl).origin,
  };
}
