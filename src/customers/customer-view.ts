import type pg from 'pg';
import { listAddresses, type Address } from '../addresses/address-book.js';
import { listCustomerOrders, REFUNDED_SO_FAR_SQL, type OrderPage, type OrderSummary } from '../orders/order-views.js';
import { page, type Cursor } from '../orders/cursor.js';
import { escapeLike } from '../shared/like-pattern.js';
import { REVENUE_STATUSES } from '../orders/statuses.js';
import { NotFound } from '../shared/errors.js';
import { listNotes, type CustomerNote } from './notes.js';

// A customer as staff see them. The identity (email, name, Clerk id) is Clerk's, mirrored on
// the users row at each sign-in (src/auth/users.ts): staff read it, they never edit it.

export type CustomerSummary = {
  id: string;
  clerkUserId: string | null;
  email: string | null;
  name: string | null;
  blocked: boolean;
  createdAt: string;
};

/**
 * Lifetime spend: what the shop keeps of the customer's orders, as the dashboard's revenue
 * counts it (REVENUE_STATUSES: paid, shipped, delivered, partially refunded; each order's total
 * less what its refunds give back), summed in integer minor units per currency, never across
 * currencies. Orders awaiting payment, cancelled, expired, refunded or returned count for nothing.
 */
export type Spend = { currency: string; totalMinor: number; orders: number };

export type CustomerDetail = CustomerSummary & {
  block: { at: string; reason: string; by: { id: string; name: string | null } } | null;
  addresses: Address[];
  /** the newest orders (the rest through GET /api/admin/orders?customer=) */
  orders: OrderPage<OrderSummary>;
  spend: Spend[];
  notes: CustomerNote[];
};

const RECENT_ORDERS = 20;

type CustomerRow = Omit<CustomerSummary, 'createdAt'> & { createdAt: Date };
type DetailRow = CustomerRow & { blockedAt: Date | null; blockReason: string | null; blockedBy: string | null; blockedByName: string | null };

const SUMMARY_COLUMNS = `u.id, u.clerk_user_id AS "clerkUserId", u.email, u.name, u.blocked_at IS NOT NULL AS blocked, u.created_at AS "createdAt"`;
const toSummary = ({ createdAt, ...row }: CustomerRow): CustomerSummary => ({ ...row, createdAt: createdAt.toISOString() });

/** Everything staff need on a customer's page, in parallel reads. */
export async function readCustomer(pool: pg.Pool, customerId: string): Promise<CustomerDetail> {
  const [customer, addresses, orders, spend, notes] = await Promise.all([
    pool.query<DetailRow>(
      `SELECT ${SUMMARY_COLUMNS}, u.blocked_at AS "blockedAt", u.block_reason AS "blockReason", u.blocked_by AS "blockedBy",
              coalesce(s.name, s.email) AS "blockedByName"
         FROM users u LEFT JOIN users s ON s.id = u.blocked_by
        WHERE u.id = $1 AND u.role = 'CUSTOMER'`,
      [customerId],
    ),
    listAddresses(pool, customerId),
    listCustomerOrders(pool, customerId, { limit: RECENT_ORDERS }),
    lifetimeSpend(pool, customerId),
    listNotes(pool, customerId),
  ]);
  const row = customer.rows[0];
  if (!row) throw new NotFound('Customer');
  const { blockedAt, blockReason, blockedBy, blockedByName, ...summary } = row;
  return {
    ...toSummary(summary),
    block: blockedAt && blockReason && blockedBy ? { at: blockedAt.toISOString(), reason: blockReason, by: { id: blockedBy, name: blockedByName } } : null,
    addresses,
    orders,
    spend,
    notes,
  };
}

async function lifetimeSpend(pool: pg.Pool, customerId: string): Promise<Spend[]> {
  const { rows } = await pool.query<Spend>(
    `SELECT currency, sum(o.total_minor - ${REFUNDED_SO_FAR_SQL})::bigint AS "totalMinor", count(*)::int AS orders
       FROM orders o WHERE user_id = $1 AND status = ANY($2::"OrderStatus"[])
      GROUP BY currency ORDER BY currency`,
    [customerId, REVENUE_STATUSES],
  );
  return rows;
}

/**
 * A phone number as typed ("01712-345678", "+1 (555) 010-0199") matched against the E.164 ones
 * stored: its digits without leading zeros (a national trunk prefix) are part of the stored number.
 */
export const phoneDigits = (text: string) => text.replace(/\D/g, '').replace(/^0+/, '');
/** fewer digits than this match too many numbers to be a phone search */
export const PHONE_MIN_DIGITS = 4;

/**
 * Customers, newest first: with `q`, those whose email or name contains it (any case), or one
 * of whose address book or order phones contains its digits.
 */
export async function searchCustomers(
  pool: pg.Pool,
  q: string | undefined,
  { limit, after }: { limit: number; after?: Cursor },
): Promise<OrderPage<CustomerSummary>> {
  const digits = q ? phoneDigits(q) : '';
  const { rows } = await pool.query<CustomerRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM users u
      WHERE u.role = 'CUSTOMER'
        AND ($1::text IS NULL OR u.email ILIKE $1 OR u.name ILIKE $1
             OR ($2::text IS NOT NULL AND (EXISTS (SELECT 1 FROM addresses a WHERE a.user_id = u.id AND a.phone LIKE $2)
                                        OR EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.contact_phone LIKE $2))))
        AND ($3::timestamptz IS NULL OR (u.created_at, u.id) < ($3, $4::uuid))
      ORDER BY u.created_at DESC, u.id DESC LIMIT $5`,
    [q ? `%${escapeLike(q)}%` : null, digits.length >= PHONE_MIN_DIGITS ? `%${digits}%` : null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
  );
  const { items, nextCursor } = page(rows, limit);
  return { items: items.map(toSummary), nextCursor };
}
