import { Conflict, Unprocessable } from '../shared/errors.js';
import { MAX_LINE_QUANTITY } from './schemas.js';

export class ProductInactive extends Conflict {
  constructor(productId: string) {
    super('PRODUCT_INACTIVE', 'The product is no longer sold', { productId });
  }
}

export class LineLimitExceeded extends Unprocessable {
  constructor(productId: string, requested: number) {
    super('LINE_LIMIT_EXCEEDED', `A cart line holds at most ${MAX_LINE_QUANTITY} units`, { productId, requested, max: MAX_LINE_QUANTITY });
  }
}

/** The cart moved between refusing a change and explaining why: the client may simply retry. */
export class CartChanged extends Conflict {
  constructor() {
    super('CART_CHANGED', 'The cart or the product changed during the request; try again');
  }
}
