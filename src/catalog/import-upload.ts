import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { parse } from '../shared/validation.js';

// How a product CSV arrives, over the staff API and from the panel alike: the file itself as the
// body (Content-Type text/csv), the run's kind and the file's name in the query.

/** The body as text, up to `maxBytes` (more: 413 BODY_TOO_LARGE); any other type: 415. */
export function csvBody(maxBytes: number): RequestHandler[] {
  const requireCsv: RequestHandler = (req, _res, next) => {
    if (!req.is('text/csv'))
      return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'Send the CSV file itself as the body, with Content-Type: text/csv'));
    next();
  };
  return [requireCsv, express.text({ type: 'text/csv', limit: maxBytes, defaultCharset: 'utf-8' })];
}

export const importQuery = z.object({
  // a dry run unless asked otherwise: nothing is written by mistake
  dryRun: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  fileName: z.string().trim().min(1).max(200).default('products.csv'),
});

export const importIdParams = z.object({ id: z.uuid() });

export const uploadOf = (req: express.Request) => ({ ...parse(importQuery, req.query), csv: typeof req.body === 'string' ? req.body : '' });
