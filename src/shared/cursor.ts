import { z } from 'zod';

/**
 * Keyset-pagination cursors, opaque to clients: base64url of a JSON array of the fields the
 * server needs to resume. A client can still forge one, so decoding accepts only what this
 * server itself writes, in forms PostgreSQL takes as they are: anything looser reaches SQL and
 * fails there as a 500 (JavaScript's Date.parse accepts "1 2" and "+275760-09-13", which
 * `::timestamptz` refuses).
 */
export const encodeCursor = (fields: readonly unknown[]) => Buffer.from(JSON.stringify(fields)).toString('base64url');

/** The cursor's fields when they have the given shape, otherwise undefined. */
export function decodeCursor<S extends z.ZodType>(cursor: string, shape: S): z.infer<S> | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = shape.safeParse(decoded);
  return parsed.success ? parsed.data : undefined;
}

// Date#toISOString's form for years 0001-9999 (PostgreSQL has no year 0), and only real dates:
// the round trip refuses 30 February or 24:00, which Date would roll over.
const ISO_INSTANT = /^(?!0000)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
export const cursorInstant = z.string().refine((text) => {
  if (!ISO_INSTANT.test(text)) return false;
  const time = Date.parse(text);
  return !Number.isNaN(time) && new Date(time).toISOString() === text;
});

/** An `int` column's value. */
export const cursorInt = z.number().int().min(-2_147_483_648).max(2_147_483_647);

/** A `text` column's value: PostgreSQL text never holds a NUL. */
export const cursorText = z.string().regex(/^[^\0]*$/);

export const cursorId = z.guid();
