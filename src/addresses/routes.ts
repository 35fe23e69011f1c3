import { Router } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { addAddress, changeAddress, deleteAddress, findAddress, listAddresses } from './address-book.js';
import { addressChangeBody, addressRef, newAddressBody } from './schemas.js';

/** The signed-in customer's address book. */
export function addressRoutes({ db, guards }: RouteContext): Router {
  const router = Router();
  router.get('/api/me/addresses', guards.requireUser, async (req, res) => {
    res.set('Cache-Control', 'private, no-cache').json({ items: await listAddresses(db.pool, req.user!.id) });
  });
  router.post('/api/me/addresses', guards.requireUser, async (req, res) => {
    const address = await addAddress(db.pool, req.user!.id, parse(newAddressBody, req.body));
    res.status(201).location(`/api/me/addresses/${address.id}`).json(address);
  });
  router.get('/api/me/addresses/:id', guards.requireUser, async (req, res) => {
    res.set('Cache-Control', 'private, no-cache').json(await findAddress(db.pool, req.user!.id, parse(addressRef, req.params).id));
  });
  router.patch('/api/me/addresses/:id', guards.requireUser, async (req, res) => {
    const { id } = parse(addressRef, req.params);
    res.json(await changeAddress(db.pool, req.user!.id, id, parse(addressChangeBody, req.body)));
  });
  router.delete('/api/me/addresses/:id', guards.requireUser, async (req, res) => {
    await deleteAddress(db.pool, req.user!.id, parse(addressRef, req.params).id);
    res.status(204).end();
  });
  return router;
}
