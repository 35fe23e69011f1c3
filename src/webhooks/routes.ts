import { Router } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { listEndpoints, registerEndpoint, removeEndpoint } from './endpoints.js';
import { endpointRef, newEndpointBody } from './schemas.js';
import { urlPolicyOf } from './url-policy.js';

/** Staff routes for the outbound webhook endpoints (the panel offers the same, admin/resources/webhooks.ts). */
export function staffWebhookRoutes({ config, db, guards }: RouteContext): Router {
  const router = Router();
  const { requireStaff } = guards;
  const policy = urlPolicyOf(config);

  router.get('/api/admin/webhook-endpoints', ...requireStaff, async (_req, res) => {
    res.set('Cache-Control', 'private, no-cache').json({ items: await listEndpoints(db.pool) });
  });

  router.post('/api/admin/webhook-endpoints', ...requireStaff, async (req, res) => {
    // the one answer that shows the signing secret: no cache may keep it
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json(await registerEndpoint(db.pool, policy, parse(newEndpointBody, req.body)));
  });

  router.delete('/api/admin/webhook-endpoints/:id', ...requireStaff, async (req, res) => {
    await removeEndpoint(db.pool, parse(endpointRef, req.params).id);
    res.status(204).end();
  });

  return router;
}
