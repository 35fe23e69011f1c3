import { Router, type Response } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { findCategory, listCategories } from './categories.js';
import { findProduct, listProducts, type ImageUrlsOf } from './products.js';
import { categoryRef, productListQuery, productRef } from './schemas.js';

// Catalog reads are public and change rarely: clients may reuse an answer briefly, then
// revalidate with If-None-Match. Express sets a strong ETag on every body it sends and turns
// the answer into a 304 without a body when the client's tag still matches (app.ts: 'etag').
function sendCatalog(res: Response, body: unknown) {
  res.set('Cache-Control', 'public, max-age=10').json(body);
}

export function catalogRoutes({ db }: RouteContext, urlsOf: ImageUrlsOf): Router {
  const router = Router();
  router.get('/api/categories', async (_req, res) => {
    sendCatalog(res, { items: await listCategories(db.pool) });
  });
  router.get('/api/categories/:slug', async (req, res) => {
    sendCatalog(res, await findCategory(db.pool, parse(categoryRef, req.params).slug));
  });
  router.get('/api/products', async (req, res) => {
    sendCatalog(res, await listProducts(db.pool, parse(productListQuery, req.query), urlsOf));
  });
  router.get('/api/products/:idOrSlug', async (req, res) => {
    sendCatalog(res, await findProduct(db.pool, parse(productRef, req.params).idOrSlug, urlsOf));
  });
  return router;
}
