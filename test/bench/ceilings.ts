// The benchmark's ceilings (server.ts mounts them with BENCH_CEILINGS=1): a bare Express app,
// no middleware but a body parser, that runs the app's own statements through the app's pool
// and sends the rows as JSON. The caller names its user in a header (x-bench-user, its Clerk
// id): no session is verified, but the user row is looked up as the app's guard does.
// GET /ceiling/statements answers how many SQL statements this process has sent (countStatements).
import express from 'express';
import pg from 'pg';
import { countThenPage, findProduct, productListSql } from '../../src/catalog/products.js';
import type { ImageSize } from '../../src/media/image-sizes.js';
import { readMediaObject } from '../../src/media/postgres-storage.js';
import type { MediaStorage } from '../../src/media/storage.js';
import { productListQuery } from '../../src/catalog/schemas.js';
import { addToCart } from '../../src/cart/cart-lines.js';
import { readCart } from '../../src/cart/read-cart.js';
import { assertGuestCart, hashCartToken } from '../../src/cart/guest-carts.js';
import { userForIdentity } from '../../src/auth/users.js';
import { processGatewayEvent } from '../../src/payments/pipeline.js';
import type { Providers } from '../../src/payments/providers/registry.js';
import type { Logger } from 'pino';

let statements = 0;

/**
 * Counts every statement any pg client in this process sends (the app's pool, the ORM's adapter,
 * the ceilings), so the benchmark can tell how many a request costs: it reads the count, sends
 * requests one at a time, and reads it again. One increment per query; nothing else changes.
 */
export function countStatements(): void {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  if ((query as { counted?: boolean }).counted) return;
  const counted = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return query.apply(this, args);
  };
  pg.Client.prototype.query = Object.assign(counted, { counted: true }) as unknown as typeof pg.Client.prototype.query;
}

export function ceilingApp(pool: pg.Pool, currency: string, providers: Providers, logger: Logger, media: MediaStorage): express.Express {
  const app = express();
  app.get('/ceiling/statements', (_req, res) => {
    res.json({ statements });
  });
  const listings = new Map<string, ReturnType<typeof productListSql>>(); // the SQL per query string, built once
  app.get('/ceiling/products', async (req, res) => {
    let sql = listings.get(req.url);
    if (!sql) listings.set(req.url, (sql = productListSql(productListQuery.parse(req.query))));
    const [page, count] = sql.fewMatches ? await countThenPage(pool, sql) : await Promise.all([pool.query(sql.page), pool.query(sql.count)]);
    res.json({ items: page.rows, total: count.rows[0].total });
  });
  app.get('/ceiling/products/:id', async (req, res) => {
    res.json(await findProduct(pool, req.params.id, media.urlsOf));
  });
  // One size of an uploaded image: the same statement through the same pool, the bytes sent as
  // they are (no validation, no problem answers, no cache headers).
  app.get('/ceiling/media/:key/:size', async (req, res) => {
    const stored = await readMediaObject(pool, req.params.key, req.params.size as ImageSize);
    if (!stored) return void res.status(404).end();
    res.type(stored.contentType).send(stored.bytes);
  });
  const user = (req: express.Request) =>
    userForIdentity(pool, { clerkUserId: req.get('x-bench-user')!, email: req.get('x-bench-email')!, name: null, role: 'CUSTOMER' });
  app.get('/ceiling/cart', async (req, res) => {
    res.json(await readCart(pool, { userId: (await user(req)).id }, currency));
  });
  app.post('/ceiling/cart/items', express.json(), async (req, res) => {
    const { id } = await user(req);
    await addToCart(pool, { owner: { userId: id }, variantId: req.body.variantId, quantity: req.body.quantity }, 100);
    res.json(await readCart(pool, { userId: id }, currency));
  });
  // A guest's add with its cart token: the token check, the add, the read (30: the default TTL).
  app.post('/ceiling/guest-cart/items', express.json(), async (req, res) => {
    const tokenHash = hashCartToken(req.get('x-cart-token')!);
    await assertGuestCart(pool, tokenHash, 30);
    await addToCart(pool, { owner: { tokenHash, isNew: false }, variantId: req.body.variantId, quantity: req.body.quantity }, 100);
    res.json(await readCart(pool, { tokenHash, isNew: false }, currency));
  });
  // The webhook's own work over HTTP: the same signature check and pipeline transaction, without
  // the app's middleware (request ids and logging, helmet, CORS, CSP, conditional GETs).
  app.post('/ceiling/payments/stripe/webhook', express.raw({ type: 'application/json' }), async (req, res) => {
    const event = await providers.get('stripe').verify({ rawBody: req.body, headers: req.headers });
    const { outcome } = await processGatewayEvent({ pool, providers, logger }, event!);
    res.json({ received: true, outcome });
  });
  return app;
}
