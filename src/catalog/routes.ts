import { Router } from 'express';
import type { RouteContext } from '../app.js';

// Minimal listing until the catalog issue lands its filters, pagination and detail route.
export function catalogRoutes({ db }: RouteContext): Router {
  const router = Router();
  router.get('/api/products', async (_req, res) => {
    const { rows } = await db.pool.query(
      `SELECT id, sku, slug, title, price_minor AS "priceMinor", currency, stock
         FROM products WHERE active ORDER BY created_at DESC, id LIMIT 20`,
    );
    res.json({ items: rows });
  });
  return router;
}
