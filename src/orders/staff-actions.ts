import type pg from 'pg';
import { inTransaction } from '../shared/db.js';
import { transition, type TransitionResult } from './state-machine.js';

// What staff do to an order, shared by the staff REST routes and the admin panel's actions.

export function shipOrder(pool: pg.Pool, orderId: string, staffId: string, shipping: { carrier: string; trackingNumber: string }): Promise<TransitionResult> {
  return inTransaction(pool, (tx) => transition(tx, orderId, 'SHIPPED', { actor: `staff:${staffId}`, shipping }));
}

export function deliverOrder(pool: pg.Pool, orderId: string, staffId: string): Promise<TransitionResult> {
  return inTransaction(pool, (tx) => transition(tx, orderId, 'DELIVERED', { actor: `staff:${staffId}` }));
}

export function cancelOrderByStaff(pool: pg.Pool, orderId: string, staffId: string, reason?: string): Promise<TransitionResult> {
  return inTransaction(pool, (tx) => transition(tx, orderId, 'CANCELLED', { actor: `staff:${staffId}`, reason }));
}
