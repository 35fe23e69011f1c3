import { z } from 'zod';

export const startPaymentBody = z.object({ provider: z.enum(['mock', 'stripe', 'sslcommerz']) });
export const idParams = z.object({ id: z.uuid() });
export const sslcommerzReturnParams = z.object({ outcome: z.enum(['success', 'fail', 'cancel']) });
export const paymentResultQuery = z.object({ paymentId: z.uuid() });
