import { Router } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { decodeCursor } from '../orders/cursor.js';
import { blockCustomer, unblockCustomer } from './blocking.js';
import { readCustomer, searchCustomers } from './customer-view.js';
import { addNote } from './notes.js';
import { blockBody, customerIdParams, customerListQuery, noteBody } from './schemas.js';

// Staff's customers over REST: the same use cases as the panel's customer page.
export function staffCustomerRoutes({ db, guards }: RouteContext): Router {
  const router = Router();
  const { requireStaff } = guards;
  const noCache = 'private, no-cache';

  router.get('/api/admin/customers', ...requireStaff, async (req, res) => {
    const { q, limit, cursor } = parse(customerListQuery, req.query);
    res.set('Cache-Control', noCache).json(await searchCustomers(db.pool, q, { limit, after: decodeCursor(cursor) }));
  });

  router.get('/api/admin/customers/:id', ...requireStaff, async (req, res) => {
    const { id } = parse(customerIdParams, req.params);
    res.set('Cache-Control', noCache).json(await readCustomer(db.pool, id));
  });

  router.post('/api/admin/customers/:id/block', ...requireStaff, async (req, res) => {
    const { id } = parse(customerIdParams, req.params);
    const { reason } = parse(blockBody, req.body ?? {});
    await blockCustomer(db.pool, id, req.user!.id, reason);
    res.json(await readCustomer(db.pool, id));
  });

  router.post('/api/admin/customers/:id/unblock', ...requireStaff, async (req, res) => {
    const { id } = parse(customerIdParams, req.params);
    await unblockCustomer(db.pool, id, req.user!.id);
    res.json(await readCustomer(db.pool, id));
  });

  router.post('/api/admin/customers/:id/notes', ...requireStaff, async (req, res) => {
    const { id } = parse(customerIdParams, req.params);
    const { body } = parse(noteBody, req.body ?? {});
    res.status(201).json(await addNote(db.pool, id, req.user!.id, body));
  });

  return router;
}
