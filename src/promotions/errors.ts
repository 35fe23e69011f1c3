import { Conflict, NotFound, Unprocessable } from '../shared/errors.js';

// Why a code does not apply, each with its own stable problem code. The cart (POST
// /api/cart/discount), the quote and checkout all refuse with these.

export type DiscountRefusalCode =
  | 'DISCOUNT_CODE_UNKNOWN'
  | 'DISCOUNT_INACTIVE'
  | 'DISCOUNT_NOT_STARTED'
  | 'DISCOUNT_ENDED'
  | 'DISCOUNT_MINIMUM_NOT_REACHED'
  | 'DISCOUNT_NOT_APPLICABLE'
  | 'DISCOUNT_EXHAUSTED'
  | 'DISCOUNT_ALREADY_USED';

const DETAILS: Record<Exclude<DiscountRefusalCode, 'DISCOUNT_EXHAUSTED' | 'DISCOUNT_ALREADY_USED'>, string> = {
  DISCOUNT_CODE_UNKNOWN: 'There is no such discount code',
  DISCOUNT_INACTIVE: 'This discount code is not active',
  DISCOUNT_NOT_STARTED: 'This discount code is not valid yet',
  DISCOUNT_ENDED: 'This discount code has ended',
  DISCOUNT_MINIMUM_NOT_REACHED: 'The cart does not reach the minimum subtotal of this discount code',
  DISCOUNT_NOT_APPLICABLE: 'Nothing in the cart is eligible for this discount code',
};

export class DiscountRefused extends Unprocessable {
  constructor(code: keyof typeof DETAILS, extras: Record<string, unknown> = {}) {
    super(code, `${DETAILS[code]}; remove it (DELETE /api/cart/discount) or try another`, extras);
  }
}

export class DiscountExhausted extends Conflict {
  constructor() {
    super('DISCOUNT_EXHAUSTED', 'This discount code has been used up; nothing was ordered. Remove it (DELETE /api/cart/discount) and check out again');
  }
}

export class DiscountAlreadyUsed extends Conflict {
  constructor() {
    super('DISCOUNT_ALREADY_USED', 'You have already used this discount code as often as it allows; nothing was ordered');
  }
}

export class DiscountCodeTaken extends Conflict {
  constructor(code: string) {
    super('DISCOUNT_CODE_TAKEN', `A discount code ${code} exists already (codes are case-insensitive)`, { discountCode: code });
  }
}

export class DiscountCodeNotFound extends NotFound {
  constructor() {
    super('Discount code');
  }
}
