import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidSignature } from '../errors.js';
import type { GatewayEvent, GatewayMessage, GatewayPayment, GatewayRefund, PaymentProvider } from './provider.js';

export const MOCK_OUTCOMES = ['paid', 'failed', 'cancelled'] as const;
export type MockOutcome = (typeof MOCK_OUTCOMES)[number];

const callbackForm = z.object({
  paymentId: z.uuid(),
  outcome: z.enum(MOCK_OUTCOMES),
  signature: z.string().regex(/^[0-9a-f]{64}$/),
});

export function mockSignature(secret: string, paymentId: string, outcome: MockOutcome): string {
  return createHmac('sha256', secret).update(`${paymentId}:${outcome}`).digest('hex');
}

/**
 * A built-in gateway for development: its page (/mock-gateway/{id}) posts an HMAC-signed
 * callback, which then goes through the same pipeline as a real gateway's webhook.
 */
export class MockProvider implements PaymentProvider {
  readonly id = 'mock';
  readonly label = 'Test gateway (no real money)';

  constructor(
    private readonly secret: string,
    private readonly publicBaseUrl: string,
  ) {}

  async createSession(payment: GatewayPayment) {
    return { providerRef: `mock_${payment.id}`, redirectUrl: new URL(`/mock-gateway/${payment.id}`, this.publicBaseUrl).toString() };
  }

  async refund(_payment: GatewayPayment, refund: GatewayRefund) {
    return { refundRef: `mock_refund_${refund.id}` };
  }

  // The mock's refund is the same every time (idempotent): asking first changes nothing.
  async findRefund() {
    return null;
  }

  // The mock gateway knows only what its page posts.
  async lookupPayment() {
    return null;
  }

  sign(paymentId: string, outcome: MockOutcome): string {
    return mockSignature(this.secret, paymentId, outcome);
  }

  async verify({ form }: GatewayMessage): Promise<GatewayEvent> {
    const parsed = callbackForm.safeParse(form);
    if (!parsed.success) throw new InvalidSignature('The callback is not a signed mock gateway form');
    const { paymentId, outcome, signature } = parsed.data;
    if (!timingSafeEqual(Buffer.from(signature, 'hex'), Buffer.from(this.sign(paymentId, outcome), 'hex'))) throw new InvalidSignature();
    return {
      provider: 'MOCK',
      // one event per payment and outcome: a double click or a re-submitted form is a duplicate
      eventId: `${paymentId}:${outcome}`,
      type: `mock.${outcome}`,
      payload: { paymentId, outcome },
      kind: outcome,
      payment: { id: paymentId },
    };
  }
}
