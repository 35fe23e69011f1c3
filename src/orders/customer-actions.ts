import type pg from 'pg';
import { inTransaction } from '../shared/db.js';
import { transition, type TransitionResult } from './state-machine.js';

// What a customer may do to their own order. Another user's order is "not found".

/** Cancels an order that is still awaiting payment; its stock goes back on the shelf. */
export function cancelUnpaidOrder(pool: pg.Pool, orderId: string, userId: string): Promise<TransitionResult> {
  return inTransaction(pool, (tx) =>
    transition(tx, orderId, 'CANCELLED', { actor: `customer:${userId}`, userId, onlyFrom: ['AWAITING_PAYMENT'], reason: 'cancelled by the customer' }),
  );
}
