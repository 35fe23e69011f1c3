import { Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../shared/errors.js';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { IMAGE_SIZE_NAMES } from './image-sizes.js';
import { readMediaObject } from './postgres-storage.js';
import { IMMUTABLE } from './storage.js';

const mediaRef = z.object({
  key: z.uuid(),
  size: z.enum(IMAGE_SIZE_NAMES as [string, ...string[]], { error: `one of ${IMAGE_SIZE_NAMES.join(', ')}` }),
});

/**
 * The default storage's files (postgres-storage.ts), public: `/media/<key>/<size>`. A key's
 * bytes never change, so the answer may be kept for a year without asking again; its ETag is
 * the bytes' hash, and a matching If-None-Match is a 304 (conditional-get.ts). Storefronts on
 * other origins embed them: helmet's same-origin resource policy is lifted here.
 */
export function mediaRoutes({ db }: RouteContext): Router {
  const router = Router();
  router.get('/media/:key/:size', async (req, res) => {
    const { key, size } = parse(mediaRef, req.params);
    const stored = await readMediaObject(db.pool, key, size as (typeof IMAGE_SIZE_NAMES)[number]);
    if (!stored) throw new NotFound('Image');
    res.set({ 'Content-Type': stored.contentType, ETag: `"${stored.etag}"`, 'Cache-Control': IMMUTABLE, 'Cross-Origin-Resource-Policy': 'cross-origin' });
    res.send(stored.bytes);
  });
  return router;
}
