import type pg from 'pg';
import { inTransaction, type Queryable, type Tx } from '../shared/db.js';
import { NotFound, Unprocessable } from '../shared/errors.js';
import { parse } from '../shared/validation.js';
import { changedAddress, type AddressFields } from './schemas.js';

export type Address = AddressFields & { id: string; isDefault: boolean; createdAt: Date; updatedAt: Date };

/** Enough for any household; a runaway client cannot grow the table without bound. */
export const MAX_ADDRESSES = 50;

export class AddressBookFull extends Unprocessable {
  constructor() {
    super('ADDRESS_BOOK_FULL', `An address book holds at most ${MAX_ADDRESSES} addresses; delete one first`, { max: MAX_ADDRESSES });
  }
}

/** The address's fields in the order of the columns recipient_name .. country. */
const fieldValues = (a: AddressFields) => [a.recipientName, a.phone, a.line1, a.line2, a.city, a.region, a.postalCode, a.country];

const COLUMNS = `id, recipient_name AS "recipientName", phone, line1, line2, city, region, postal_code AS "postalCode", country,
  is_default AS "isDefault", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The default address first, then the newest. */
export async function listAddresses(db: Queryable, userId: string): Promise<Address[]> {
  const { rows } = await db.query<Address>(`SELECT ${COLUMNS} FROM addresses WHERE user_id = $1 ORDER BY is_default DESC, created_at DESC, id`, [userId]);
  return rows;
}

/** One of the customer's addresses; another customer's is "not found", like a missing one. */
export async function findAddress(db: Queryable, userId: string, id: string): Promise<Address> {
  const { rows } = await db.query<Address>(`SELECT ${COLUMNS} FROM addresses WHERE id = $1 AND user_id = $2`, [id, userId]);
  if (!rows[0]) throw new NotFound('Address');
  return rows[0];
}

// Every write locks the customer's row first, so one customer's address writes run one at a
// time: "at most one default" and the size limit hold however many arrive at once (the partial
// unique index would refuse a second default anyway).
const lockBook = (tx: Tx, userId: string) => tx.query(`SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`, [userId]);
const clearDefault = (tx: Tx, userId: string) =>
  tx.query(`UPDATE addresses SET is_default = false, updated_at = now() WHERE user_id = $1 AND is_default`, [userId]);

/** Adds an address; the first one, or one asked to be, becomes the default. */
export async function addAddress(pool: pg.Pool, userId: string, address: AddressFields & { isDefault: boolean }): Promise<Address> {
  return inTransaction(pool, async (tx) => {
    await lockBook(tx, userId);
    const { rows } = await tx.query<{ count: number; hasDefault: boolean }>(
      `SELECT count(*)::int AS count, bool_or(is_default) IS TRUE AS "hasDefault" FROM addresses WHERE user_id = $1`,
      [userId],
    );
    if (rows[0].count >= MAX_ADDRESSES) throw new AddressBookFull();
    const isDefault = address.isDefault || !rows[0].hasDefault;
    if (isDefault) await clearDefault(tx, userId);
    const created = await tx.query<Address>(
      `INSERT INTO addresses (user_id, recipient_name, phone, line1, line2, city, region, postal_code, country, is_default)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [userId, ...fieldValues(address), isDefault],
    );
    return created.rows[0];
  });
}

/** Changes some fields; the result is checked as a whole (a new country re-checks phone and postal code). */
export async function changeAddress(pool: pg.Pool, userId: string, id: string, change: Partial<AddressFields> & { isDefault?: boolean }): Promise<Address> {
  return inTransaction(pool, async (tx) => {
    await lockBook(tx, userId);
    const { id: _id, isDefault: wasDefault, createdAt: _c, updatedAt: _u, ...stored } = await findAddress(tx, userId, id);
    const { isDefault, ...fields } = change;
    const address = parse(changedAddress, { ...stored, ...fields });
    if (isDefault === true && !wasDefault) await clearDefault(tx, userId);
    const updated = await tx.query<Address>(
      `UPDATE addresses SET recipient_name = $3, phone = $4, line1 = $5, line2 = $6, city = $7, region = $8, postal_code = $9, country = $10,
              is_default = $11, updated_at = now()
        WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      // the default stays the default until another one takes over (or it is deleted)
      [id, userId, ...fieldValues(address), isDefault === true || wasDefault],
    );
    return updated.rows[0];
  });
}

/** Deletes an address (a missing one is already deleted); when it was the default, the newest remaining one takes over. */
export async function deleteAddress(pool: pg.Pool, userId: string, id: string): Promise<void> {
  await inTransaction(pool, async (tx) => {
    await lockBook(tx, userId);
    const { rows } = await tx.query<{ isDefault: boolean }>(`DELETE FROM addresses WHERE id = $1 AND user_id = $2 RETURNING is_default AS "isDefault"`, [
      id,
      userId,
    ]);
    if (rows[0]?.isDefault) {
      await tx.query(
        `UPDATE addresses SET is_default = true, updated_at = now()
          WHERE id = (SELECT id FROM addresses WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT 1)`,
        [userId],
      );
    }
  });
}
