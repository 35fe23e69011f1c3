import { AppError, Conflict, Unprocessable } from '../shared/errors.js';

export class InvalidSignature extends AppError {
  constructor(detail = 'The message signature does not verify') {
    super('INVALID_SIGNATURE', 'Invalid signature', detail);
  }
}

/** The gateway's own validation does not confirm the payment the message claims. */
export class PaymentNotVerified extends Unprocessable {
  constructor(detail: string) {
    super('PAYMENT_NOT_VERIFIED', detail);
  }
}

/** What the gateway charged is not what our payment asked for. */
export class PaymentMismatch extends Unprocessable {
  constructor(detail: string) {
    super('PAYMENT_MISMATCH', detail);
  }
}

export class ProviderNotEnabled extends Unprocessable {
  constructor(provider: string) {
    super('PROVIDER_NOT_ENABLED', `The payment provider ${provider} is not enabled`);
  }
}

export class OrderNotPayable extends Conflict {
  constructor(status: string) {
    super('ORDER_NOT_PAYABLE', `The order is ${status} and cannot be paid now`, { orderStatus: status });
  }
}

export class NotRefundable extends Conflict {
  constructor(detail: string) {
    super('NOT_REFUNDABLE', detail);
  }
}
