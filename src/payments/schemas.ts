import { z } from 'zod';
import { PROVIDER_IDS } from './providers/provider.js';

export const startPaymentBody = z.object({ provider: z.enum(PROVIDER_IDS) });
export const idParams = z.object({ id: z.uuid() });
export const sslcommerzReturnParams = z.object({ outcome: z.enum(['success', 'fail', 'cancel']) });
export const paymentResultQuery = z.object({ paymentId: z.uuid() });

/** A staff refund: an amount, or order lines (with restock of their units); an empty body refunds all that is left. */
export const refundBody = z
  .strictObject({
    amountMinor: z.number().int().min(1).max(2_147_483_647).optional(),
    lines: z
      .array(z.strictObject({ orderItemId: z.uuid(), quantity: z.number().int().min(1).max(1_000_000) }))
      .min(1)
      .max(500)
      .refine((lines) => new Set(lines.map((l) => l.orderItemId)).size === lines.length, 'each order line once')
      .optional(),
    restock: z.boolean().optional(),
  })
  .refine((body) => body.amountMinor === undefined || body.lines === undefined, {
    path: ['lines'],
    message: 'send either amountMinor or lines, not both',
  })
  .refine((body) => body.restock === undefined || body.lines !== undefined, { path: ['restock'], message: 'restock goes with lines' });
