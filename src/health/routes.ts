import { Router } from 'express';
import type pg from 'pg';
import { ServiceUnavailable } from '../shared/errors.js';

export function healthRoutes(pool: pg.Pool): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await pool.query('SELECT 1');
    } catch {
      throw new ServiceUnavailable();
    }
    res.json({ status: 'ready' });
  });
  return router;
}
