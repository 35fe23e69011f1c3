// Cart add and cart read for many signed-in customers, and cart add for many guests (by cart token), each beside the bare Express route
// running the same statements for the customer named in a header (no session to verify).
import { signSessionToken } from '../../../src/auth/dev-keys.js';
import { newCartToken } from '../../../src/cart/guest-carts.js';
import type { Row, ServerProcess } from '../kit.js';
import { compareHttp, label, pick, type BenchContext, type Customer } from './context.js';

/** `count` new customers (users rows) with session tokens signed by the servers' key. */
export async function makeCustomers(ctx: BenchContext, prefix: string, count: number): Promise<Customer[]> {
  const { rows } = await ctx.pool.query<{ id: string; clerkUserId: string }>(
    `INSERT INTO users (clerk_user_id, email) SELECT $1 || g, $1 || g || '@shop.test' FROM generate_series(1, $2::int) g ORDER BY g
     RETURNING id, clerk_user_id AS "clerkUserId"`,
    [prefix, count],
  );
  return Promise.all(
    rows.map(async (u) => ({
      userId: u.id,
      clerkUserId: u.clerkUserId,
      token: await signSessionToken(ctx.privateKeyPem, { userId: u.clerkUserId, email: `${u.clerkUserId}@shop.test` }),
    })),
  );
}

const asCustomer = (customer: Customer) => ({
  authorization: `Bearer ${customer.token}`,
  'x-bench-user': customer.clerkUserId,
  'x-bench-email': `${customer.clerkUserId}@shop.test`,
  'content-type': 'application/json',
});

export async function cartScenarios(ctx: BenchContext, servers: ServerProcess[]): Promise<Row[]> {
  const customers = await makeCustomers(ctx, `bench_cart_${ctx.runId}_`, 200);
  // Variants of products with and without options, with enough stock that an add is never
  // refused for it (adds do not take stock).
  const { rows } = await ctx.pool.query<{ id: string }>(
    `UPDATE product_variants SET stock = 1000000 WHERE id IN (
       SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
        WHERE v.active AND p.active AND v.sku LIKE 'BENCH-%' ORDER BY v.id LIMIT 50)
     RETURNING id`,
  );
  const variantIds = rows.map((r) => r.id);
  const userIds = customers.map((c) => c.userId);
  // Each run starts from empty carts, so lines stay far below the quantity limit.
  const emptyCarts = () => ctx.pool.query(`DELETE FROM cart_items WHERE cart_id IN (SELECT id FROM carts WHERE user_id = ANY($1::uuid[]))`, [userIds]);
  const add = (path: string) => [
    {
      method: 'POST',
      path,
      setupRequest: (req: object) => ({ ...req, headers: asCustomer(pick(customers)), body: JSON.stringify({ variantId: pick(variantIds), quantity: 1 }) }),
    },
  ];
  const cartAdd = await compareHttp(
    ctx,
    servers,
    label('cart add POST /api/cart/items', servers),
    { app: add('/api/cart/items'), ceiling: add('/ceiling/cart/items') },
    emptyCarts,
  );

  // Every cart read shows three lines.
  await emptyCarts();
  await ctx.pool.query(`INSERT INTO carts (user_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`, [userIds]);
  await ctx.pool.query(
    `INSERT INTO cart_items (cart_id, variant_id, quantity)
     SELECT c.id, v.id, 1 FROM carts c CROSS JOIN LATERAL (SELECT unnest($2::uuid[]) AS id) v WHERE c.user_id = ANY($1::uuid[])
     ON CONFLICT DO NOTHING`, // adds still in flight from the last run may have made a line already
    [userIds, variantIds.slice(0, 3)],
  );
  const read = (path: string) => [{ method: 'GET', path, setupRequest: (req: object) => ({ ...req, headers: asCustomer(pick(customers)) }) }];
  const cartRead = await compareHttp(ctx, servers, label('cart read GET /api/cart', servers), { app: read('/api/cart'), ceiling: read('/ceiling/cart') });
  return [cartAdd, cartRead, await guestCartAdd(ctx, servers, variantIds)];
}

/** Adds by 200 guests whose carts exist (made here, as a first add would), each with its token. */
async function guestCartAdd(ctx: BenchContext, servers: ServerProcess[], variantIds: string[]): Promise<Row> {
  const guests = Array.from({ length: 200 }, newCartToken);
  const hashes = guests.map((g) => g.tokenHash);
  await ctx.pool.query(`INSERT INTO carts (token_hash) SELECT unnest($1::text[])`, [hashes]);
  const emptyCarts = () => ctx.pool.query(`DELETE FROM cart_items WHERE cart_id IN (SELECT id FROM carts WHERE token_hash = ANY($1::text[]))`, [hashes]);
  const add = (path: string) => [
    {
      method: 'POST',
      path,
      setupRequest: (req: object) => ({
        ...req,
        headers: { 'x-cart-token': pick(guests).token, 'content-type': 'application/json' },
        body: JSON.stringify({ variantId: pick(variantIds), quantity: 1 }),
      }),
    },
  ];
  const row = await compareHttp(
    ctx,
    servers,
    label('guest cart add POST /api/cart/items', servers),
    { app: add('/api/cart/items'), ceiling: add('/ceiling/guest-cart/items') },
    emptyCarts,
  );
  await ctx.pool.query(`DELETE FROM carts WHERE token_hash = ANY($1::text[])`, [hashes]);
  return row;
}
