import { createHash } from 'node:crypto';
import type pg from 'pg';
import { inTransaction, type Queryable, type Tx } from '../shared/db.js';
import { Unprocessable } from '../shared/errors.js';

// Idempotency-Key: a retried request gets the first answer again instead of doing the work twice.
//
// The key row is inserted first, inside the same transaction as the work. A concurrent duplicate
// blocks on the primary key until that transaction ends: after a commit it finds the stored answer
// and replays it; after a rollback it claims the key itself. So only successful answers are kept:
// a refusal (empty cart, no stock) rolls the key back with everything else, and a retry with the
// same key after fixing the cart is a fresh attempt.

export class IdempotencyKeyReused extends Unprocessable {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request; use a new key');
  }
}

export type KeyedRequest = { userId: string; key: string; fingerprint: string };
export type Answer<T> = { status: number; body: T; orderId?: string };

/** What identifies "the same request": the route and its (parsed, canonical) body. */
export const fingerprint = (route: string, body: unknown) =>
  createHash('sha256')
    .update(`${route}\n${JSON.stringify(body)}`)
    .digest('hex');

/**
 * Runs `work` in one transaction, at most once per (user, key): with a key already answered,
 * the stored answer comes back with `replayed: true` and `work` does not run.
 */
export function runIdempotently<T>(
  pool: pg.Pool,
  request: KeyedRequest | undefined,
  work: (tx: Tx) => Promise<Answer<T>>,
): Promise<Answer<T> & { replayed: boolean }> {
  return inTransaction(pool, async (tx) => {
    if (request) {
      const earlier = await claimKey<T>(tx, request);
      if (earlier) return { ...earlier, replayed: true };
    }
    const answer = await work(tx);
    if (request) {
      await tx.query(`UPDATE idempotency_keys SET response_status = $3, response_body = $4, order_id = $5 WHERE user_id = $1 AND key = $2`, [
        request.userId,
        request.key,
        answer.status,
        JSON.stringify(answer.body),
        answer.orderId ?? null,
      ]);
    }
    return { ...answer, replayed: false };
  });
}

/** Claims the key for this transaction, or returns the answer stored under it. */
async function claimKey<T>(tx: Tx, { userId, key, fingerprint }: KeyedRequest): Promise<Answer<T> | undefined> {
  for (;;) {
    const claimed = await tx.query(`INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
      userId,
      key,
      fingerprint,
    ]);
    if (claimed.rowCount) return undefined;
    // The conflicting row is committed (we waited for it): this statement's fresh snapshot sees it.
    const { rows } = await tx.query<{ requestHash: string; status: number; body: T }>(
      `SELECT request_hash AS "requestHash", response_status AS status, response_body AS body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
    if (!rows.length) continue; // forgotten (past its TTL) in between: claim it afresh
    if (rows[0].requestHash !== fingerprint) throw new IdempotencyKeyReused();
    return { status: rows[0].status, body: rows[0].body };
  }
}

/** Deletes keys older than the TTL; returns how many. */
export async function forgetOldIdempotencyKeys(db: Queryable, ttlHours: number): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [ttlHours]);
  return rowCount ?? 0;
}
