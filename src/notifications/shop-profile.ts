import type { Queryable } from '../shared/db.js';

/** What every mail shows of the shop, and where staff mails go. */
export type ShopProfile = { name: string; staffRecipients: string[] };

/**
 * Staff mails go to the store setting staff_email (one address or several, comma-separated);
 * without it, to every staff account's email, so a fresh shop's first staff member hears of its
 * first order.
 */
export async function readShopProfile(db: Queryable): Promise<ShopProfile> {
  const { rows } = await db.query<{ name: string; staffEmail: string | null; staffAccounts: string[] }>(
    `SELECT coalesce((SELECT store_name FROM store_settings), 'Shop') AS name,
            (SELECT staff_email FROM store_settings) AS "staffEmail",
            ARRAY(SELECT DISTINCT lower(email) FROM users WHERE role = 'ADMIN' AND email IS NOT NULL ORDER BY 1) AS "staffAccounts"`,
  );
  const { name, staffEmail, staffAccounts } = rows[0];
  const configured = (staffEmail ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  return { name, staffRecipients: configured.length ? configured : staffAccounts };
}
