import { z } from 'zod';

export const customerIdParams = z.object({ id: z.guid() });

export const customerListQuery = z.strictObject({
  /** part of an email, a name or a phone number */
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const blockBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const noteBody = z.strictObject({ body: z.string().trim().min(1).max(2000) });
