// The benchmark's ceilings (server.ts mounts them with BENCH_CEILINGS=1): a bare Express app,
// no middleware but a body parser, that runs the app's own statements through the app's pool
// and sends the rows as JSON. The caller names its user in a header: no session is verified.
import express from 'express';
import type pg from 'pg';
import { productListSql, findProduct } from '../../src/catalog/products.js';
import { productListQuery } from '../../src/catalog/schemas.js';
import { addToCart } from '../../src/cart/cart-lines.js';
import { readCart } from '../../src/cart/read-cart.js';

export function ceilingApp(pool: pg.Pool, currency: string): express.Express {
  const app = express();
  const listings = new Map<string, ReturnType<typeof productListSql>>(); // the SQL per query string, built once
  app.get('/ceiling/products', async (req, res) => {
    let sql = listings.get(req.url);
    if (!sql) listings.set(req.url, (sql = productListSql(productListQuery.parse(req.query))));
    const [page, count] = await Promise.all([pool.query(sql.page), pool.query(sql.count)]);
    res.json({ items: page.rows, total: count.rows[0].total });
  });
  app.get('/ceiling/products/:id', async (req, res) => {
    res.json(await findProduct(pool, req.params.id));
  });
  app.get('/ceiling/cart', async (req, res) => {
    res.json(await readCart(pool, req.get('x-bench-user-id')!, currency));
  });
  app.post('/ceiling/cart/items', express.json(), async (req, res) => {
    const userId = req.get('x-bench-user-id')!;
    await addToCart(pool, { userId, productId: req.body.productId, quantity: req.body.quantity });
    res.json(await readCart(pool, userId, currency));
  });
  return app;
}
