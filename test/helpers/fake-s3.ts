// A fake S3-compatible service on loopback, spoken to by the real @aws-sdk/client-s3
// (MEDIA_S3_ENDPOINT, path-style): PutObject, GetObject, DeleteObject in S3's REST shapes, with
// S3's XML errors, refusing requests not signed (SigV4) with its access key.
import { createHash } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StoredS3Object = { body: Buffer; contentType: string | undefined; cacheControl: string | undefined };

export type FakeS3 = {
  endpoint: string;
  bucket: string;
  /** what the app is configured with to use this fake */
  env: Record<string, string>;
  objects: Map<string, StoredS3Object>;
  /** every request, as "METHOD /bucket/key" */
  requests: string[];
  close(): Promise<void>;
};

const ACCESS_KEY = 'AKIAFAKES3TEST';
const xmlError = (res: http.ServerResponse, status: number, code: string, message: string) => {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
};

export async function startFakeS3(bucket = 'shop-media'): Promise<FakeS3> {
  const objects = new Map<string, StoredS3Object>();
  const requests: string[] = [];
  const server: Server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const [, bucketName, ...rest] = decodeURIComponent(url.pathname).split('/');
      const key = rest.join('/');
      requests.push(`${req.method} /${bucketName}/${key}`);
      if (!String(req.headers.authorization ?? '').startsWith(`AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/`))
        return xmlError(res, 403, 'AccessDenied', 'Not signed with a known key');
      if (bucketName !== bucket) return xmlError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      const body = Buffer.concat(chunks);
      if (req.method === 'PUT') {
        objects.set(key, { body, contentType: req.headers['content-type'], cacheControl: req.headers['cache-control'] as string | undefined });
        res.writeHead(200, { ETag: `"${createHash('md5').update(body).digest('hex')}"` });
        return res.end();
      }
      const stored = objects.get(key);
      if (req.method === 'GET') {
        if (!stored) return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        res.writeHead(200, { 'Content-Type': stored.contentType ?? 'binary/octet-stream', 'Content-Length': stored.body.length });
        return res.end(stored.body);
      }
      if (req.method === 'DELETE') {
        objects.delete(key); // S3 answers 204 whether or not the key existed
        res.writeHead(204);
        return res.end();
      }
      xmlError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    bucket,
    objects,
    requests,
    env: {
      MEDIA_STORAGE: 's3',
      MEDIA_S3_ENDPOINT: endpoint,
      MEDIA_S3_BUCKET: bucket,
      MEDIA_S3_REGION: 'us-east-1',
      MEDIA_S3_ACCESS_KEY_ID: ACCESS_KEY,
      MEDIA_S3_SECRET_ACCESS_KEY: 'fake-secret-key',
      MEDIA_S3_FORCE_PATH_STYLE: 'true',
      MEDIA_S3_PUBLIC_BASE_URL: `https://cdn.shop.test/${bucket}`,
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
