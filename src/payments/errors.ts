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

/** A refund of more than the payment has left to give back (its refunds, made or under way, claim the rest). */
export class RefundExceedsRemaining extends Conflict {
  constructor(requestedMinor: number, remainingMinor: number, currency: string) {
    super('REFUND_EXCEEDS_REMAINING', `The refund of ${requestedMinor} exceeds the ${remainingMinor} ${currency} left to refund on the payment`, {
      requestedMinor,
      remainingMinor,
    });
  }
}

export class RefundLineUnknown extends Unprocessable {
  constructor(orderItemId: string) {
    super('REFUND_LINE_UNKNOWN', `The order has no line ${orderItemId}`, { orderItemId });
  }
}

/** More units of a line than were sold, less those refunded before. */
export class RefundQuantityExceeded extends Unprocessable {
  constructor(orderItemId: string, requested: number, refundable: number) {
    super('REFUND_QUANTITY_EXCEEDED', `Line ${orderItemId}: ${requested} units asked, ${refundable} left to refund`, { orderItemId, requested, refundable });
  }
}
