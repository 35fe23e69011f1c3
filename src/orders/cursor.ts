import { z } from 'zod';
import { ValidationFailed } from '../shared/errors.js';
import { cursorId, cursorInstant, decodeCursor as decodeFields, encodeCursor as encodeFields } from '../shared/cursor.js';

/** Where a newest-first page stopped: the last row's creation time and id (keyset pagination). */
export type Cursor = { createdAt: Date; id: string };

const fields = z.tuple([cursorInstant, cursorId]);

export const encodeCursor = (row: Cursor) => encodeFields([row.createdAt.toISOString(), row.id]);

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  const decoded = decodeFields(cursor, fields);
  if (!decoded) throw new ValidationFailed([{ path: 'cursor', message: 'not a cursor from a previous page' }]);
  return { createdAt: new Date(decoded[0]), id: decoded[1] };
}

/** Reads limit + 1 rows to know whether another page follows. */
export function page<T extends Cursor>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };
}
