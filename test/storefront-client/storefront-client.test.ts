import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import { pressMockGatewayButton } from '../../src/payments/mock-gateway-buyer.js';
import { startHttpServer } from '../../src/shared/http-server.js';
import { createProduct, createProductWithVariants, stockOf } from '../helpers/fixtures.js';
import { createShippingMethod, createTaxRate } from '../helpers/delivery-fixtures.js';
import { contractViolation } from '../helpers/contract.js';
import { inboxOf } from '../helpers/payments-fixtures.js';
import { freePort } from '../helpers/ports.js';
import { createTestDatabase, startTestApp, tokenFor, uniqueId, type TestApp } from '../helpers/test-app.js';
import { STORY_DIR, generateClientTypes } from './generate-client-types.js';

// The story is loaded by a path tsc does not follow: its types exist only once generated, and
// the project's own `tsc --noEmit` runs before any test (the first test below compiles it).
const STORY_MODULE = './story/storefront-story.js';
type Story = {
  buyVariant(
    baseUrl: string,
    buyer: { token: string; payAtGateway(redirectUrl: string): Promise<string> },
    options: { observe: { onResponse(call: { request: Request; response: Response }): Promise<void> } },
  ): Promise<{
    product: { id: string };
    variant: { id: string };
    plainProduct: { id: string };
    order: { id: string; status: string };
    payment: { id: string };
    idempotencyKey: string;
    returnUrl: string;
  }>;
};

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let shop: TestApp;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  await generateClientTypes();
  database = await createTestDatabase();
  // The payment's redirectUrl must point at this server, as it does for a deployed shop.
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  shop = await startTestApp({ databaseUrl: database.url, env: { PUBLIC_BASE_URL: baseUrl } });
  ({ server } = await startHttpServer(shop.app, port, '127.0.0.1', { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 }));
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await shop?.close();
  await database?.drop();
});

let calls = 0;
const violations: string[] = [];
/** Every answer the generated client receives is checked against the contract, like supertest's. */
async function checkAgainstContract({ request, response }: { request: Request; response: Response }) {
  calls++;
  const text = await response.clone().text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const body = headers['content-type']?.includes('json') && text ? JSON.parse(text) : undefined;
  const violation = contractViolation(request.method, request.url, { status: response.status, headers, body, text });
  if (violation) violations.push(violation);
}

describe('a storefront built on a client generated from the contract (openapi-typescript + openapi-fetch)', () => {
  test('when the story is compiled with tsc --strict against types generated from the contract, then it compiles', async () => {
    const tsc = path.resolve('node_modules/.bin/tsc');
    const run = await promisify(execFile)(tsc, ['-p', STORY_DIR]).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, output: err.stdout }),
    );
    expect(run).toEqual({ code: 0, output: '' });
  });

  test('when a buyer picks a variant, adds it by its id, an old client adds a one-variant product by its product id, checks out and pays, then the order is PAID and the database agrees', async () => {
    // Sizes S and M in Red and Blue; S in Red is sold out and S in Blue has one left, so the buyer's pick for 2 is M / Red.
    const shirt = await createProductWithVariants(shop.db.pool, {
      title: 'Story T-shirt',
      options: [
        { name: 'Size', values: ['S', 'M'] },
        { name: 'Colour', values: ['Red', 'Blue'] },
      ],
      variants: [
        { optionValues: { Size: 'S', Colour: 'Red' }, priceMinor: 1234, stock: 0 },
        { optionValues: { Size: 'S', Colour: 'Blue' }, priceMinor: 1234, stock: 1 },
        { optionValues: { Size: 'M', Colour: 'Red' }, priceMinor: 1234, stock: 5 },
        { optionValues: { Size: 'M', Colour: 'Blue' }, priceMinor: 1300, stock: 5 },
      ],
    });
    const [sRed, sBlue, mRed, mBlue] = shirt.variants;
    const mug = await createProduct(shop.db.pool, { title: 'Story mug', priceMinor: 990, stock: 4 });
    // the first option the story is offered for a US address, and New York's sales tax
    const ground = await createShippingMethod(shop.db.pool, { countries: ['US'], priceMinor: 450, position: -1, name: 'Story ground' });
    await createTaxRate(shop.db.pool, 'US', 88_750, 'NY');
    const clerkUserId = uniqueId('storefront');
    const { buyVariant } = (await import(STORY_MODULE)) as Story;

    const story = await buyVariant(
      baseUrl,
      {
        token: await tokenFor(clerkUserId, { email: `${clerkUserId}@buyers.test` }),
        // the browser at the gateway page: what its Pay button does
        payAtGateway: async (redirectUrl) => (await pressMockGatewayButton(redirectUrl, 'paid')).location!,
      },
      { observe: { onResponse: checkAgainstContract } },
    );

    expect(violations).toEqual([]);
    expect(calls).toBeGreaterThanOrEqual(12); // every step of the story went through the client
    expect(story.product).toMatchObject({ id: shirt.id, priceRange: { minMinor: 1234, maxMinor: 1300 } });
    expect(story.variant).toMatchObject({ id: mRed.id, sku: mRed.sku, title: 'M / Red', priceMinor: 1234 });
    expect(story.plainProduct).toMatchObject({ id: mug.id, options: [], variants: [{ id: mug.variantId }] });
    // 8.875% per line, half to even: 2468 -> 219.04 -> 219, 990 -> 87.86 -> 88; shipping untaxed
    const total = 1234 * 2 + 990 + 450 + 219 + 88;
    expect(story.order).toMatchObject({
      status: 'PAID',
      subtotalMinor: 1234 * 2 + 990,
      shippingMinor: 450,
      taxMinor: 219 + 88,
      totalMinor: total,
      shippingMethod: { id: ground.id, name: 'Story ground', priceMinor: 450 },
      shippingAddress: { city: 'New York', country: 'US', phone: '+12125550188' },
      items: expect.arrayContaining([
        {
          productId: shirt.id,
          variantId: mRed.id,
          sku: mRed.sku,
          title: 'Story T-shirt — M / Red',
          productTitle: 'Story T-shirt',
          variantTitle: 'M / Red',
          optionValues: { Size: 'M', Colour: 'Red' },
          unitPriceMinor: 1234,
          quantity: 2,
          lineTotalMinor: 2468,
          discountMinor: 0,
          taxMinor: 219,
          id: expect.any(String),
          refundedQuantity: 0,
        },
        {
          productId: mug.id,
          variantId: mug.variantId,
          sku: mug.sku,
          title: 'Story mug',
          productTitle: 'Story mug',
          variantTitle: null,
          optionValues: {},
          unitPriceMinor: 990,
          quantity: 1,
          lineTotalMinor: 990,
          discountMinor: 0,
          taxMinor: 88,
          id: expect.any(String),
          refundedQuantity: 0,
        },
      ]),
    });
    expect(story.order).toMatchObject({ items: { length: 2 } });
    expect(story.payment).toMatchObject({ orderId: story.order.id, status: 'SUCCEEDED', provider: 'mock', amountMinor: total });
    expect(new URL(story.returnUrl).searchParams.get('paymentId')).toBe(story.payment.id);
    const db = shop.db.pool;
    const { rows: orders } = await db.query(
      `SELECT o.status, o.total_minor AS "totalMinor", u.clerk_user_id AS "clerkUserId" FROM orders o JOIN users u ON u.id = o.user_id WHERE u.clerk_user_id = $1`,
      [clerkUserId],
    );
    expect(orders).toEqual([{ status: 'PAID', totalMinor: total, clerkUserId }]); // the retried checkout made no second order
    expect((await db.query(`SELECT status, provider FROM payments WHERE order_id = $1`, [story.order.id])).rows).toEqual([
      { status: 'SUCCEEDED', provider: 'MOCK' },
    ]);
    // stock left the variants sold, and only them
    expect({
      sRed: await stockOf(db, sRed),
      sBlue: await stockOf(db, sBlue),
      mRed: await stockOf(db, mRed),
      mBlue: await stockOf(db, mBlue),
      mug: await stockOf(db, mug),
    }).toEqual({
      sRed: 0,
      sBlue: 1,
      mRed: 3,
      mBlue: 5,
      mug: 3,
    });
    expect(
      (
        await db.query(
          `SELECT count(*)::int AS n FROM cart_items i JOIN carts c ON c.id = i.cart_id JOIN users u ON u.id = c.user_id WHERE u.clerk_user_id = $1`,
          [clerkUserId],
        )
      ).rows,
    ).toEqual([{ n: 0 }]);
    expect((await db.query(`SELECT key FROM idempotency_keys WHERE key = $1`, [story.idempotencyKey])).rows).toHaveLength(1);
    expect(await inboxOf(db, story.payment.id)).toEqual([{ provider: 'MOCK', eventId: `${story.payment.id}:paid`, type: 'mock.paid', outcome: 'applied' }]);
  });
});
