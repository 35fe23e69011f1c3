import type { z } from 'zod';
import { ValidationFailed } from './errors.js';

/** Parses untrusted input with a zod schema; failures become a 400 naming every failing field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationFailed(result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
}
