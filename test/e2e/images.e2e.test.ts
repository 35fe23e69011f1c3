// Product images in a real browser: staff upload one in the panel (headless Chromium, the
// @adminjs/upload drop zone), the storefront's product answer carries its URLs, and the image is
// served from PostgreSQL. Run with `npm run test:e2e` (test/e2e/install-chromium.sh installs the browser).
import type { Server } from 'node:http';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startHttpServer } from '../../src/shared/http-server.js';
import { useTestShop } from '../helpers/test-app.js';
import { createStaff } from '../helpers/admin-fixtures.js';
import { createProduct } from '../helpers/fixtures.js';
import { freePort } from '../helpers/ports.js';
import { sampleImage } from '../helpers/image-fixtures.js';
import { useBrowserPage } from './browser.js';

// The image URLs are absolute (PUBLIC_BASE_URL): the app listens where they point.
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const shop = useTestShop({ adminPanel: true, env: { PUBLIC_BASE_URL: base } });
const browser = useBrowserPage({ viewport: { width: 1400, height: 1200 } });
const { pageErrors, refusedByCsp, shot } = browser;
let server: Server;
let page: Page;

beforeAll(async () => {
  server = (await startHttpServer(shop.app, port, '127.0.0.1', { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 })).server;
  page = browser.page;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

test('when staff upload a product image in the panel, then the storefront answers its URLs and serves it, and the panel shows its thumbnail', async () => {
  // Arrange: a product, a photo on the staff member's disk, staff signed in
  const staff = await createStaff(shop.db.pool);
  const product = await createProduct(shop.db.pool, { title: 'Ceramic pour-over dripper', imageUrl: null });
  const photo = await sampleImage('jpeg', { width: 1800, height: 1200, colour: '#d35400' });
  await browser.signIn(base, staff.email, staff.password);

  // Act: the new-image form, with the product chosen, a file dropped in and its alt text
  await page.goto(`${base}/admin/resources/ProductImage/actions/new?product=${product.id}`);
  await page.locator('input[type=file]').setInputFiles({ name: 'dripper.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.fill('input[name=alt]', 'An orange ceramic dripper on a white table');
  await shot('image-upload-form');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(new RegExp(`/admin/resources/ProductImage\\?filters\\.product=${product.id}`));

  // Assert: the storefront's product page carries the image, every size is served as WebP
  const answer = await fetch(`${base}/api/products/${product.id}`).then((r) => r.json());
  expect(answer.images).toEqual([
    expect.objectContaining({ alt: 'An orange ceramic dripper on a white table', main: true, width: 1800, height: 1200, variantId: null }),
  ]);
  expect(answer.mainImage.urls).toEqual(answer.images[0].urls);
  expect(answer.imageUrl).toBe(answer.images[0].urls.card);
  for (const [size, longest] of [
    ['thumbnail', 200],
    ['card', 600],
    ['full', 1600],
  ] as const) {
    const res = await fetch(answer.images[0].urls[size]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width]).toEqual(['webp', longest]);
  }
  const listed = await fetch(`${base}/api/products?limit=100`).then((r) => r.json());
  expect(listed.items.find((p: { id: string }) => p.id === product.id).mainImage).toEqual({ alt: answer.images[0].alt, urls: answer.images[0].urls });

  // The panel lands on the product's images: the thumbnail, loaded by the browser
  const thumbnail = page.locator(`img[src="${answer.images[0].urls.thumbnail}"]`).first();
  await thumbnail.waitFor();
  await page.waitForFunction(
    (src) => Array.from(document.images).some((img) => img.src === src && img.complete && img.naturalWidth > 0),
    answer.images[0].urls.thumbnail,
  );
  await shot('image-list');
  const [row] = (await shop.db.pool.query(`SELECT id FROM product_images WHERE product_id = $1`, [product.id])).rows;
  await page.goto(`${base}/admin/resources/ProductImage/records/${row.id}/show`);
  await page.getByText('image/jpeg').waitFor();
  await shot('image-show');

  expect(pageErrors).toEqual([]);
  expect(refusedByCsp).toEqual([]);
});

test('when staff upload an SVG in the panel, then the panel’s notice says why and nothing is stored', async () => {
  const product = await createProduct(shop.db.pool, { title: 'Logo mug' });

  await page.goto(`${base}/admin/resources/ProductImage/actions/new?product=${product.id}`);
  await page.locator('input[type=file]').setInputFiles({
    name: 'logo.png', // named and typed as a PNG: the picker lets it through, the server reads the bytes
    mimeType: 'image/png',
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'),
  });
  await page.fill('input[name=alt]', 'A logo');
  await page.getByRole('button', { name: 'Save' }).click();
  // the notice names the reason (the upload's drop zone shows no field error of its own)
  await page.getByText(/Please correct file\. File: Upload a JPEG, PNG, WebP or AVIF image/).waitFor();
  await shot('image-upload-refused');

  const { rows } = await shop.db.pool.query(`SELECT 1 FROM product_images WHERE product_id = $1`, [product.id]);
  expect(rows).toEqual([]);
  expect(pageErrors).toEqual([]);
  expect(refusedByCsp).toEqual([]);
});
