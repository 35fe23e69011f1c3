import { z } from 'zod';
import { ValidationFailed } from '../shared/errors.js';
import type { Sort } from './schemas.js';

/** Where a page ends: the last row's sort key and id (the tie-breaker), for one sort order. */
export type Position = { key: string | number; id: string };

const payload = z.tuple([z.string(), z.union([z.string(), z.number().int()]), z.guid()]);

/** Opaque to clients: base64url of [sort, key, id]. */
export function encodeCursor(sort: Sort, position: Position): string {
  return Buffer.from(JSON.stringify([sort, position.key, position.id])).toString('base64url');
}

/** The position a cursor names; a cursor that is malformed or made for another sort is a 400. */
export function decodeCursor(cursor: string, sort: Sort): Position {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = payload.safeParse(decoded);
  const keyFits = parsed.success && (sort.startsWith('price') ? typeof parsed.data[1] === 'number' : typeof parsed.data[1] === 'string');
  const dateFits = parsed.success && (sort !== 'newest' || !Number.isNaN(Date.parse(String(parsed.data[1]))));
  if (!parsed.success || parsed.data[0] !== sort || !keyFits || !dateFits) {
    throw new ValidationFailed([{ path: 'cursor', message: 'is not a cursor from this listing and sort order' }]);
  }
  return { key: parsed.data[1], id: parsed.data[2] };
}
