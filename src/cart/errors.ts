import { AppError, Conflict, Unprocessable } from '../shared/errors.js';
import { MAX_LINE_QUANTITY } from './schemas.js';

export class ProductInactive extends Conflict {
  constructor(productId: string) {
    super('PRODUCT_INACTIVE', 'The product is no longer sold', { productId });
  }
}

export class VariantInactive extends Conflict {
  constructor(variantId: string) {
    super('VARIANT_INACTIVE', 'This variant of the product is no longer sold', { variantId });
  }
}

/** A product id names a line only when the product has exactly one variant. */
export class VariantRequired extends Unprocessable {
  constructor(productId: string, variantIds: string[]) {
    super('VARIANT_REQUIRED', 'The product comes in several variants; send the variantId of the one to add', { productId, variantIds });
  }
}

export class LineLimitExceeded extends Unprocessable {
  constructor(variantId: string, requested: number) {
    super('LINE_LIMIT_EXCEEDED', `A cart line holds at most ${MAX_LINE_QUANTITY} units`, { variantId, requested, max: MAX_LINE_QUANTITY });
  }
}

/** The cart moved between refusing a change and explaining why: the client may simply retry. */
export class CartChanged extends Conflict {
  constructor() {
    super('CART_CHANGED', 'The cart or the product changed during the request; try again');
  }
}

export class CartFull extends Unprocessable {
  constructor(maxLines: number) {
    super('CART_FULL', `A cart holds at most ${maxLines} lines; remove one first`, { maxLines });
  }
}

/** A cart token that is not one this shop could have made (its shape is wrong). */
export class CartTokenInvalid extends AppError {
  constructor() {
    super('CART_TOKEN_INVALID', 'Invalid cart token', 'X-Cart-Token (or cartToken) must be the token a cart write answered');
  }
}

/** A well-formed token naming no guest cart: never made, expired, or already merged into a customer's cart. */
export class CartTokenUnknown extends AppError {
  constructor() {
    super('CART_TOKEN_UNKNOWN', 'Unknown cart token', 'No guest cart has this token: it expired or was already merged');
  }
}
