import { ValidationFailed } from '../shared/errors.js';

/** Where a newest-first page stopped: the last row's creation time and id (keyset pagination). */
export type Cursor = { createdAt: Date; id: string };

export const encodeCursor = (row: Cursor) => Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const at = new Date(String(createdAt));
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) && !Number.isNaN(at.getTime())) return { createdAt: at, id };
  } catch {
    // fall through: a cursor this server did not make
  }
  throw new ValidationFailed([{ path: 'cursor', message: 'not a cursor from a previous page' }]);
}

/** Reads limit + 1 rows to know whether another page follows. */
export function page<T extends Cursor>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };
}
