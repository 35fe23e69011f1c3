import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { useTestShop } from '../helpers/test-app.js';
import { createCategory, createProduct } from '../helpers/fixtures.js';
import { contractViolation } from '../helpers/contract.js';

const shop = useTestShop();
let category: Awaited<ReturnType<typeof createCategory>>;
let product: Awaited<ReturnType<typeof createProduct>>;
let baseUrl: string;
beforeAll(async () => {
  category = await createCategory(shop.db.pool);
  product = await createProduct(shop.db.pool, { categoryId: category.id });
  baseUrl = await shop.listen();
});

// [the read, how to build its URL, a change that alters its answer]
const catalogReads: [string, () => string, () => string][] = [
  ['GET /api/categories', () => '/api/categories', () => `UPDATE categories SET name = name || '!' WHERE id = '${category.id}'`],
  [
    'GET /api/categories/{slug}',
    () => `/api/categories/${category.slug}`,
    () => `UPDATE categories SET description = description || '!' WHERE id = '${category.id}'`,
  ],
  [
    'GET /api/products',
    () => `/api/products?category=${category.slug}`,
    () => `UPDATE product_variants SET price_minor = price_minor + 1 WHERE id = '${product.variantId}'`,
  ],
  [
    'GET /api/products/{idOrSlug}',
    () => `/api/products/${product.slug}`,
    () => `UPDATE product_variants SET stock = stock + 1 WHERE id = '${product.variantId}'`,
  ],
];

type Answer = { status: number; etag: string | undefined; text: string };

/** Node's own fetch (undici) against the listening app, its answer checked against the contract too. */
async function fetchAnswer(url: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(new URL(url, baseUrl), { headers });
  const text = await res.text();
  const violation = contractViolation('GET', url, {
    status: res.status,
    headers: { 'content-type': res.headers.get('content-type') ?? undefined },
    body: text ? JSON.parse(text) : undefined,
    text,
  });
  if (violation) throw new Error(`OpenAPI contract: ${violation}`);
  return { status: res.status, etag: res.headers.get('etag') ?? undefined, text };
}

// How a client revalidates: what it sends besides If-None-Match, and how.
const revalidations: [string, (url: string, etag: string) => Promise<Answer>][] = [
  [
    'If-None-Match alone',
    async (url, etag) => {
      const res = await shop.request.get(url).set('If-None-Match', etag);
      return { status: res.status, etag: res.headers.etag, text: res.text };
    },
  ],
  [
    'If-None-Match with Cache-Control: no-cache',
    async (url, etag) => {
      const res = await shop.request.get(url).set('If-None-Match', etag).set('Cache-Control', 'no-cache');
      return { status: res.status, etag: res.headers.etag, text: res.text };
    },
  ],
  ["a browser's fetch with If-None-Match", (url, etag) => fetchAnswer(url, { 'If-None-Match': etag })],
];

describe('conditional catalog reads (ETag / If-None-Match)', () => {
  test("when fetch sets If-None-Match, then it sends Cache-Control: no-cache as well (why the server must not read that as 'reload')", async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const echo = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end();
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      await fetch(`http://127.0.0.1:${(echo.address() as AddressInfo).port}/`, { headers: { 'If-None-Match': '"tag"' } });
    } finally {
      echo.close();
    }
    expect(seen[0]).toMatchObject({ 'if-none-match': '"tag"', 'cache-control': 'no-cache' });
  });

  describe.each(revalidations)('revalidated by %s', (_how, revalidate) => {
    test.each(catalogReads)(
      'when %s is repeated with its ETag, then 304 without a body until the data changes, then 200 with a new ETag',
      async (_read, urlOf, changeOf) => {
        const url = urlOf();
        const first = await shop.request.get(url).expect(200);
        const etag = first.headers.etag;
        expect(etag).toMatch(/^"[^"]+"$/); // strong
        expect(first.headers['cache-control']).toBe('public, max-age=10');

        const unchanged = await revalidate(url, etag);
        expect(unchanged).toEqual({ status: 304, etag, text: '' });

        await shop.db.pool.query(changeOf());
        const changed = await revalidate(url, etag);
        expect(changed.status).toBe(200);
        expect(changed.etag).not.toBe(etag);
        expect(JSON.parse(changed.text)).toEqual((await shop.request.get(url).expect(200)).body);
      },
    );
  });

  test('when If-None-Match names another tag, then the full answer', async () => {
    const res = await shop.request.get('/api/categories').set('If-None-Match', '"some-old-tag"').expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
  });

  test('when the answer is an error, then it is never a 304, with or without no-cache', async () => {
    const miss = await shop.request.get('/api/products/no-such-product').expect(404);
    await shop.request
      .get('/api/products/no-such-product')
      .set('If-None-Match', miss.headers.etag ?? '*')
      .expect(404);
    expect((await fetchAnswer('/api/products/no-such-product', { 'If-None-Match': miss.headers.etag ?? '*' })).status).toBe(404);
  });
});
