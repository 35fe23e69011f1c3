import { z } from 'zod';
import { PROVIDER_IDS } from './providers/provider.js';

export const startPaymentBody = z.object({ provider: z.enum(PROVIDER_IDS) });
export const idParams = z.object({ id: z.uuid() });
export const sslcommerzReturnParams = z.object({ outcome: z.enum(['success', 'fail', 'cancel']) });
export const paymentResultQuery = z.object({ paymentId: z.uuid() });
