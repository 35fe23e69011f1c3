import { Router } from 'express';
import type { Guards } from '../shared/route-context.js';

export function meRoutes({ requireUser }: Guards): Router {
  const router = Router();
  router.get('/api/me', requireUser, (req, res) => {
    const { id, clerkUserId, email, name, role } = req.user!;
    res.json({ id, clerkUserId, email, name, role });
  });
  return router;
}
