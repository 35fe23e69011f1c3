import { z } from 'zod';
import { ValidationFailed } from '../shared/errors.js';
import { cursorId, cursorInstant, cursorInt, cursorText, decodeCursor as decodeFields, encodeCursor as encodeFields } from '../shared/cursor.js';
import type { Sort } from './schemas.js';

/** Where a page ends: the last row's sort key and id (the tie-breaker), for one sort order. */
export type Position = { key: string | number; id: string };

const KEYS: Record<Sort, z.ZodType<string | number>> = { newest: cursorInstant, price_asc: cursorInt, price_desc: cursorInt, title: cursorText };

/** Opaque to clients: base64url of [sort, key, id]. */
export function encodeCursor(sort: Sort, position: Position): string {
  return encodeFields([sort, position.key, position.id]);
}

/** The position a cursor names; a cursor that is malformed or made for another sort is a 400. */
export function decodeCursor(cursor: string, sort: Sort): Position {
  const fields = decodeFields(cursor, z.tuple([z.literal(sort), KEYS[sort], cursorId]));
  if (!fields) throw new ValidationFailed([{ path: 'cursor', message: 'is not a cursor from this listing and sort order' }]);
  return { key: fields[1], id: fields[2] };
}
