import { AppError } from '../shared/errors.js';

// Staff block a customer from checkout (blocking.ts). The block is checked where checkout and
// its quote read the cart (src/cart/read-cart.ts), in that same statement: checkout reads the
// buyer's row FOR SHARE there, and a block is an UPDATE of it, so a checkout racing a block
// either commits first (the block waits for it) or sees the block and orders nothing.

/** The staff's reason stays with staff: the buyer is told only that checkout is closed to them. */
export class CustomerBlocked extends AppError {
  constructor() {
    super('CUSTOMER_BLOCKED', 'Checkout blocked', 'This account cannot place orders; please contact the shop');
  }
}

/** Whether the buyer whose `users` row has the alias `users` is blocked from checkout (SQL). */
export const buyerBlockedSql = (users: string) => `${users}.blocked_at IS NOT NULL`;
