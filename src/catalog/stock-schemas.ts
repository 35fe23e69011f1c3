import { z } from 'zod';
import { STAFF_STOCK_REASONS } from './stock.js';

export const variantIdParams = z.object({ id: z.uuid() });

/** Far beyond any delivery or count, and small enough that no sum of it with a stock overflows a bigint check. */
const MAX_CHANGE = 1_000_000_000;

export const stockAdjustmentBody = z
  .object({
    change: z
      .number()
      .int()
      .min(-MAX_CHANGE)
      .max(MAX_CHANGE)
      .refine((change) => change !== 0, 'must not be 0'),
    reason: z.enum(STAFF_STOCK_REASONS),
    note: z
      .string()
      .trim()
      .max(500)
      .optional()
      .transform((note) => note || undefined),
  })
  .strict();

export const stockMovementsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .strict();
