import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { useTestShop } from '../helpers/test-app.js';
import { storedLines } from '../helpers/cart-fixtures.js';
import { createProduct, createUser } from '../helpers/fixtures.js';
import { jobsFinished, sendJobs } from '../helpers/jobs-fixtures.js';
import { addToCart } from '../../src/cart/cart-lines.js';
import { CartTokenUnknown } from '../../src/cart/errors.js';

const shop = useTestShop({ jobs: true, env: { GUEST_CARTS_PER_IP_PER_WINDOW: '1000', CORS_ORIGINS: 'https://store.example' } });

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const guestLines = async (token: string) =>
  (
    await shop.db.pool.query(
      `SELECT ci.variant_id AS "variantId", ci.quantity FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.token_hash = $1 ORDER BY ci.added_at, ci.variant_id`,
      [hashOf(token)],
    )
  ).rows;
const guestCartExists = async (token: string) => Boolean((await shop.db.pool.query(`SELECT 1 FROM carts WHERE token_hash = $1`, [hashOf(token)])).rowCount);

/** A CORS preflight's answer headers (outside the contract, so sent past its checking supertest). */
async function preflightOf(path: string, headers: string): Promise<Headers> {
  const server = shop.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://store.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': headers },
    });
    return res.headers;
  } finally {
    server.close();
  }
}

/** A guest's first add: the new cart's token. */
async function newGuestCart(variantId: string, quantity = 1): Promise<string> {
  const res = await shop.request.post('/api/cart/items').send({ variantId, quantity }).expect(200);
  return res.body.cartToken;
}

describe('guest carts', () => {
  test('when a visitor adds without a session, then a guest cart is made and its token answered in the header and the body, stored only as its hash', async () => {
    const product = await createProduct(shop.db.pool, { priceMinor: 700, stock: 5 });

    const res = await shop.request.post('/api/cart/items').send({ variantId: product.variantId, quantity: 2 }).expect(200);

    expect(res.body.cartToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers['x-cart-token']).toBe(res.body.cartToken);
    expect(res.body).toMatchObject({ lines: [{ variantId: product.variantId, quantity: 2, unitPriceMinor: 700 }], subtotalMinor: 1400, itemCount: 2 });
    const { rows } = await shop.db.pool.query(`SELECT user_id, token_hash FROM carts WHERE token_hash = $1`, [hashOf(res.body.cartToken)]);
    expect(rows).toEqual([{ user_id: null, token_hash: hashOf(res.body.cartToken) }]);
    expect((await shop.db.pool.query(`SELECT 1 FROM carts WHERE token_hash = $1`, [res.body.cartToken])).rowCount).toBe(0);
  });

  test('when the guest reads, adds, changes and removes with the token, then the same cart changes, priced from the live catalog, and no new token is answered', async () => {
    const [mug, tea] = [await createProduct(shop.db.pool, { priceMinor: 1800, stock: 10 }), await createProduct(shop.db.pool, { priceMinor: 950, stock: 10 })];
    const token = await newGuestCart(mug.variantId);

    const added = await shop.request.post('/api/cart/items').set('X-Cart-Token', token).send({ variantId: tea.variantId, quantity: 3 }).expect(200);
    await shop.db.pool.query(`UPDATE product_variants SET price_minor = 2000 WHERE id = $1`, [mug.variantId]);
    const read = await shop.request.get('/api/cart').set('X-Cart-Token', token).expect(200);
    const changed = await shop.request.patch(`/api/cart/items/${tea.variantId}`).set('X-Cart-Token', token).send({ quantity: 1 }).expect(200);
    await shop.request.delete(`/api/cart/items/${mug.variantId}`).set('X-Cart-Token', token).expect(204);

    expect(added.body.cartToken).toBeUndefined();
    expect(added.headers['x-cart-token']).toBeUndefined();
    expect(read.body).toMatchObject({ subtotalMinor: 2000 + 3 * 950, itemCount: 4 });
    expect(changed.body.lines.map((l: { quantity: number }) => l.quantity)).toEqual([1, 1]);
    expect(await guestLines(token)).toEqual([{ variantId: tea.variantId, quantity: 1 }]);
  });

  test('when a guest empties the cart, then it has no lines and the token still names it', async () => {
    const product = await createProduct(shop.db.pool);
    const token = await newGuestCart(product.variantId);

    await shop.request.delete('/api/cart').set('X-Cart-Token', token).expect(204);

    const res = await shop.request.get('/api/cart').set('X-Cart-Token', token).expect(200);
    expect(res.body.lines).toEqual([]);
    expect(await guestCartExists(token)).toBe(true);
  });

  test('when a first add is refused, then no cart is made and no token answered', async () => {
    const product = await createProduct(shop.db.pool, { stock: 1 });
    const before = Number((await shop.db.pool.query(`SELECT count(*) AS n FROM carts WHERE token_hash IS NOT NULL`)).rows[0].n);

    const res = await shop.request.post('/api/cart/items').send({ variantId: product.variantId, quantity: 2 }).expect(409);

    expect(res.body.code).toBe('INSUFFICIENT_STOCK');
    expect(res.headers['x-cart-token']).toBeUndefined();
    expect(Number((await shop.db.pool.query(`SELECT count(*) AS n FROM carts WHERE token_hash IS NOT NULL`)).rows[0].n)).toBe(before);
  });

  test('when a visitor without a token reads the cart, then an empty one and no token', async () => {
    const res = await shop.request.get('/api/cart').expect(200);

    expect(res.body).toEqual({ lines: [], subtotalMinor: 0, itemCount: 0, currency: 'USD', discount: null, discountMinor: 0, discountedSubtotalMinor: 0 });
    expect(res.headers['x-cart-token']).toBeUndefined();
  });

  test('when a storefront on another origin uses the token, then CORS allows it as a request header and exposes it on answers', async () => {
    const product = await createProduct(shop.db.pool);

    const preflight = await preflightOf('/api/cart/items', 'content-type,x-cart-token');
    const res = await shop.request
      .post('/api/cart/items')
      .set('Origin', 'https://store.example')
      .send({ variantId: product.variantId, quantity: 1 })
      .expect(200);

    expect(preflight.get('access-control-allow-headers')).toMatch(/x-cart-token/i);
    expect(res.headers['access-control-expose-headers']).toMatch(/X-Cart-Token/);
    expect(await guestLines(res.body.cartToken)).toEqual([{ variantId: product.variantId, quantity: 1 }]);
  });

  describe('bad tokens', () => {
    test.each([
      ['too short', 'abc'],
      ['not base64url', `${'!'.repeat(43)}`],
      ['too long', 'a'.repeat(44)],
    ])('when the token is malformed (%s), then 400 CART_TOKEN_INVALID and nothing is made', async (_name, token) => {
      const product = await createProduct(shop.db.pool);

      const res = await shop.request.post('/api/cart/items').set('X-Cart-Token', token).send({ variantId: product.variantId, quantity: 1 }).expect(400);

      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('CART_TOKEN_INVALID');
      expect(Number((await shop.db.pool.query(`SELECT count(*) AS n FROM cart_items WHERE variant_id = $1`, [product.variantId])).rows[0].n)).toBe(0);
    });

    test('when the token is well-formed but unknown, then 404 CART_TOKEN_UNKNOWN on every cart route and no cart is made with it', async () => {
      const product = await createProduct(shop.db.pool);
      const token = 'A'.repeat(43);

      const answers = await Promise.all([
        shop.request.get('/api/cart').set('X-Cart-Token', token),
        shop.request.post('/api/cart/items').set('X-Cart-Token', token).send({ variantId: product.variantId, quantity: 1 }),
        shop.request.patch(`/api/cart/items/${product.variantId}`).set('X-Cart-Token', token).send({ quantity: 1 }),
        shop.request.delete(`/api/cart/items/${product.variantId}`).set('X-Cart-Token', token),
        shop.request.delete('/api/cart').set('X-Cart-Token', token),
      ]);

      expect(answers.map((r) => [r.status, r.body.code])).toEqual(Array(5).fill([404, 'CART_TOKEN_UNKNOWN']));
      expect(await guestCartExists(token)).toBe(false);
    });
  });

  test('when the guest cart vanishes between the token check and the add (merged or expired meanwhile), then CART_TOKEN_UNKNOWN and no cart is made again', async () => {
    const product = await createProduct(shop.db.pool);
    const token = await newGuestCart(product.variantId);
    await shop.db.pool.query(`DELETE FROM carts WHERE token_hash = $1`, [hashOf(token)]);

    const add = addToCart(shop.db.pool, { owner: { tokenHash: hashOf(token), isNew: false }, variantId: product.variantId, quantity: 1 }, 100);

    await expect(add).rejects.toBeInstanceOf(CartTokenUnknown);
    expect(await guestCartExists(token)).toBe(false);
  });

  describe('merge into the customer cart', () => {
    test('when a customer merges, then quantities are summed, clamped to stock and to the line cap, each adjustment listed, and the guest cart is gone', async () => {
      const customer = await createUser(shop.db.pool);
      const [summed, scarce, plenty, fresh] = [
        await createProduct(shop.db.pool, { stock: 20 }),
        await createProduct(shop.db.pool, { stock: 4 }),
        await createProduct(shop.db.pool, { stock: 500 }),
        await createProduct(shop.db.pool, { stock: 5 }),
      ];
      for (const [variantId, quantity] of [
        [summed.variantId, 2],
        [scarce.variantId, 3],
        [plenty.variantId, 60],
      ] as const)
        await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId, quantity }).expect(200);
      const token = await newGuestCart(summed.variantId, 3);
      for (const [variantId, quantity] of [
        [scarce.variantId, 3],
        [plenty.variantId, 50],
        [fresh.variantId, 1],
      ] as const)
        await shop.request.post('/api/cart/items').set('X-Cart-Token', token).send({ variantId, quantity }).expect(200);

      const res = await shop.request.post('/api/cart/merge').set('Authorization', customer.auth).send({ cartToken: token }).expect(200);

      expect(res.body.mergeAdjustments).toEqual([
        { variantId: scarce.variantId, requested: 6, quantity: 4, reason: 'INSUFFICIENT_STOCK' },
        { variantId: plenty.variantId, requested: 110, quantity: 99, reason: 'LINE_LIMIT_EXCEEDED' },
      ]);
      expect(res.body.lines.map((l: { variantId: string; quantity: number }) => [l.variantId, l.quantity])).toEqual([
        [summed.variantId, 5],
        [scarce.variantId, 4],
        [plenty.variantId, 99],
        [fresh.variantId, 1],
      ]);
      expect(await storedLines(shop.db, customer)).toEqual([
        { variantId: summed.variantId, quantity: 5 },
        { variantId: scarce.variantId, quantity: 4 },
        { variantId: plenty.variantId, quantity: 99 },
        { variantId: fresh.variantId, quantity: 1 },
      ]);
      expect(await guestCartExists(token)).toBe(false);
    });

    test('when the token is sent in the header of the explicit merge, then it merges the same way', async () => {
      const customer = await createUser(shop.db.pool);
      const product = await createProduct(shop.db.pool, { stock: 5 });
      const token = await newGuestCart(product.variantId, 2);

      const res = await shop.request.post('/api/cart/merge').set('Authorization', customer.auth).set('X-Cart-Token', token).expect(200);

      expect(res.body.mergeAdjustments).toEqual([]);
      expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 2 }]);
      expect(await guestCartExists(token)).toBe(false);
    });

    test("when a signed-in customer's cart request carries a token, then the guest cart is merged first and a later request with it is just the customer's", async () => {
      const customer = await createUser(shop.db.pool);
      const product = await createProduct(shop.db.pool, { stock: 3 });
      const token = await newGuestCart(product.variantId, 2);
      await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 2 }).expect(200);

      const first = await shop.request.get('/api/cart').set('Authorization', customer.auth).set('X-Cart-Token', token).expect(200);
      const again = await shop.request.get('/api/cart').set('Authorization', customer.auth).set('X-Cart-Token', token).expect(200);

      expect(first.body.mergeAdjustments).toEqual([{ variantId: product.variantId, requested: 4, quantity: 3, reason: 'INSUFFICIENT_STOCK' }]);
      expect(first.body.lines.map((l: { quantity: number }) => l.quantity)).toEqual([3]);
      expect(again.body.mergeAdjustments).toBeUndefined();
      expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 3 }]);
      expect(await guestCartExists(token)).toBe(false);
    });

    test('when a consumed token is merged again, by the same customer or another, or used as a guest, then 404 CART_TOKEN_UNKNOWN and nothing changes', async () => {
      const [customer, other] = [await createUser(shop.db.pool), await createUser(shop.db.pool)];
      const product = await createProduct(shop.db.pool, { stock: 10 });
      const token = await newGuestCart(product.variantId, 2);
      await shop.request.post('/api/cart/merge').set('Authorization', customer.auth).send({ cartToken: token }).expect(200);

      const again = await shop.request.post('/api/cart/merge').set('Authorization', customer.auth).send({ cartToken: token }).expect(404);
      const stolen = await shop.request.post('/api/cart/merge').set('Authorization', other.auth).send({ cartToken: token }).expect(404);
      const asGuest = await shop.request.post('/api/cart/items').set('X-Cart-Token', token).send({ variantId: product.variantId, quantity: 1 }).expect(404);

      expect([again.body.code, stolen.body.code, asGuest.body.code]).toEqual(['CART_TOKEN_UNKNOWN', 'CART_TOKEN_UNKNOWN', 'CART_TOKEN_UNKNOWN']);
      expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 2 }]);
      expect(await storedLines(shop.db, other)).toEqual([]);
      expect(await guestCartExists(token)).toBe(false);
    });

    test('when two customers merge one token at once, then exactly one wins and the other gets 404', async () => {
      const [a, b] = [await createUser(shop.db.pool), await createUser(shop.db.pool)];
      const product = await createProduct(shop.db.pool, { stock: 10 });
      const token = await newGuestCart(product.variantId, 2);

      const answers = await Promise.all([a, b].map((c) => shop.request.post('/api/cart/merge').set('Authorization', c.auth).send({ cartToken: token })));

      expect(answers.map((r) => r.status).sort()).toEqual([200, 404]);
      const lines = [await storedLines(shop.db, a), await storedLines(shop.db, b)];
      expect(lines.flat()).toEqual([{ variantId: product.variantId, quantity: 2 }]);
      expect(await guestCartExists(token)).toBe(false);
    });

    test.each([
      ['no token at all', {}, 400, 'CART_TOKEN_INVALID'],
      ['a malformed token', { cartToken: 'nope' }, 400, 'CART_TOKEN_INVALID'],
      ['an unknown token', { cartToken: 'B'.repeat(43) }, 404, 'CART_TOKEN_UNKNOWN'],
      ['an extra field', { cartToken: 'B'.repeat(43), more: 1 }, 400, 'VALIDATION_FAILED'],
    ])('when the merge gets %s (%j), then %i %s', async (_name, body, status, code) => {
      const customer = await createUser(shop.db.pool);

      const res = await shop.request.post('/api/cart/merge').set('Authorization', customer.auth).send(body).expect(status);

      expect(res.body.code).toBe(code);
      expect(await storedLines(shop.db, customer)).toEqual([]);
    });

    test('when a guest merges without a session, then 401', async () => {
      const product = await createProduct(shop.db.pool);
      const token = await newGuestCart(product.variantId);

      const res = await shop.request.post('/api/cart/merge').send({ cartToken: token }).expect(401);

      expect(res.body.code).toBe('UNAUTHENTICATED');
      expect(await guestCartExists(token)).toBe(true);
    });
  });

  describe('expiry', () => {
    test('when the expiry job runs, then guest carts unchanged for GUEST_CART_TTL_DAYS are deleted, fresh ones and customer carts kept', async () => {
      const customer = await createUser(shop.db.pool);
      const product = await createProduct(shop.db.pool, { stock: 10 });
      const [stale, fresh] = [await newGuestCart(product.variantId), await newGuestCart(product.variantId)];
      await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 1 }).expect(200);
      await shop.db.pool.query(`UPDATE carts SET updated_at = now() - interval '31 days' WHERE token_hash = $1 OR user_id = $2`, [hashOf(stale), customer.id]);

      const [job] = await sendJobs(shop.db.pool, 'guest-carts-expire');

      expect(await jobsFinished(shop.db.pool, [job])).toEqual(['completed']);
      expect(await guestCartExists(stale)).toBe(false);
      expect(await guestCartExists(fresh)).toBe(true);
      expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 1 }]);
      const res = await shop.request.get('/api/cart').set('X-Cart-Token', stale).expect(404);
      expect(res.body.code).toBe('CART_TOKEN_UNKNOWN');
    });

    test('when a guest cart is past its TTL but not yet deleted, then its token is already unknown', async () => {
      const product = await createProduct(shop.db.pool);
      const token = await newGuestCart(product.variantId);
      await shop.db.pool.query(`UPDATE carts SET updated_at = now() - interval '31 days' WHERE token_hash = $1`, [hashOf(token)]);

      const res = await shop.request.post('/api/cart/items').set('X-Cart-Token', token).send({ variantId: product.variantId, quantity: 1 }).expect(404);

      expect(res.body.code).toBe('CART_TOKEN_UNKNOWN');
      expect(await guestLines(token)).toEqual([{ variantId: product.variantId, quantity: 1 }]);
    });
  });

  test('when a cart row had both or neither owner, then the database refuses it', async () => {
    const customer = await createUser(shop.db.pool);

    await expect(shop.db.pool.query(`INSERT INTO carts (user_id, token_hash) VALUES ($1, $2)`, [customer.id, hashOf('x')])).rejects.toThrow(/carts_one_owner/);
    await expect(shop.db.pool.query(`INSERT INTO carts DEFAULT VALUES`)).rejects.toThrow(/carts_one_owner/);
  });
});
