import { Router, type Response } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { NotFound } from '../shared/errors.js';
import { parse } from '../shared/validation.js';
import { exportFileName, exportProductsCsv } from './product-export.js';
import { applyCheckedImport, readImport, startImport, type ProductImport } from './product-import.js';
import { csvBody, importIdParams, uploadOf } from './import-upload.js';

/** A run's answer: 201 when it finished in the request, 202 while a worker has it. */
export function sendImport(res: Response, run: ProductImport, location: string) {
  const finished = run.status !== 'queued' && run.status !== 'running';
  res
    .status(finished ? 201 : 202)
    .location(location)
    .set('Cache-Control', 'private, no-cache')
    .json(run);
}

/** Sends the catalog as a CSV download, streamed; a failure mid-way cuts the download off (the client sees it incomplete). */
export async function sendCatalogCsv(res: Response, pool: RouteContext['db']['pool']) {
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${exportFileName()}"`)
    .set('Cache-Control', 'private, no-store');
  await exportProductsCsv(pool, res).catch((err) => {
    if (!res.headersSent) throw err;
    res.destroy(err);
  });
}

// Staff's bulk catalog work over REST: the CSV export and import (the panel has the same).
export function staffCatalogRoutes({ db, config, logger, guards }: RouteContext): Router {
  const router = Router();
  const { requireStaff } = guards;
  const settings = { inlineRows: config.PRODUCT_IMPORT_INLINE_ROWS };
  const location = (id: string) => `/api/admin/product-imports/${id}`;

  router.get('/api/admin/products/export.csv', ...requireStaff, async (_req, res) => {
    await sendCatalogCsv(res, db.pool);
  });
  router.post('/api/admin/product-imports', ...requireStaff, ...csvBody(config.PRODUCT_IMPORT_MAX_BYTES), async (req, res) => {
    const run = await startImport(db.pool, { ...uploadOf(req), staffId: req.user!.id }, settings, logger);
    sendImport(res, run, location(run.id));
  });
  router.get('/api/admin/product-imports/:id', ...requireStaff, async (req, res) => {
    const run = await readImport(db.pool, parse(importIdParams, req.params).id);
    if (!run) throw new NotFound('The import');
    res.set('Cache-Control', 'private, no-cache').json(run);
  });
  router.post('/api/admin/product-imports/:id/apply', ...requireStaff, async (req, res) => {
    const run = await applyCheckedImport(db.pool, parse(importIdParams, req.params).id, req.user!.id, settings, logger);
    sendImport(res, run, location(run.id));
  });
  return router;
}
