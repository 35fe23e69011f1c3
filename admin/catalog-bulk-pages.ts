// The panel's CSV download and upload: plain routes beside AdminJS (its form parser would cap an
// upload at 1 MB, and a download is no React page), for a signed-in staff member only. Mounted
// after the panel's session middleware (staff-access.ts); answers and refusals as the staff API's.
import { Router, type RequestHandler } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../src/config.js';
import { Unauthenticated } from '../src/shared/errors.js';
import { parse } from '../src/shared/validation.js';
import { sendCatalogCsv, sendImport } from '../src/catalog/staff-routes.js';
import { applyCheckedImport, startImport } from '../src/catalog/product-import.js';
import { csvBody, importIdParams, uploadOf } from '../src/catalog/import-upload.js';

export const PANEL_EXPORT_PATH = '/admin/products/export.csv';
export const PANEL_IMPORT_PATH = '/admin/product-imports';
export const importPageUrl = (id: string) => `/admin/resources/ProductImport/records/${id}/show`;

export function catalogBulkPages(pool: pg.Pool, config: Config, logger: Logger): Router {
  const router = Router();
  const settings = { inlineRows: config.PRODUCT_IMPORT_INLINE_ROWS };
  const staffOnly: RequestHandler = (req, _res, next) => next(req.session?.adminUser ? undefined : new Unauthenticated('Sign in to the staff panel first'));
  const staffId = (req: Parameters<RequestHandler>[0]) => req.session.adminUser!.id;

  router.get('/products/export.csv', staffOnly, async (_req, res) => {
    await sendCatalogCsv(res, pool);
  });
  router.post('/product-imports', staffOnly, ...csvBody(config.PRODUCT_IMPORT_MAX_BYTES), async (req, res) => {
    const run = await startImport(pool, { ...uploadOf(req), staffId: staffId(req) }, settings, logger);
    sendImport(res, run, importPageUrl(run.id));
  });
  router.post('/product-imports/:id/apply', staffOnly, async (req, res) => {
    const run = await applyCheckedImport(pool, parse(importIdParams, req.params).id, staffId(req), settings, logger);
    sendImport(res, run, importPageUrl(run.id));
  });
  return router;
}
