import type pg from 'pg';
import { inTransaction } from '../shared/db.js';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.js';

// Staff who sign in to the panel with a password are local user rows (no Clerk identity) with
// the ADMIN role and a password hash. Emails are stored lower-case so the lookup uses an index.

export type StaffMember = { id: string; email: string; name: string | null };

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Creates the staff account, or sets its password and ADMIN role when it exists. Idempotent:
 * an unchanged password is left alone. Serialized per email, so two instances starting at
 * once still make one account.
 */
export async function saveStaffAccount(pool: pg.Pool, input: { email: string; password: string }): Promise<StaffMember & { created: boolean }> {
  const email = normalizeEmail(input.email);
  return inTransaction(pool, async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('staff-account:' || $1))`, [email]);
    const { rows } = await tx.query<StaffMember & { role: string; passwordHash: string | null }>(
      `SELECT id, email, name, role, password_hash AS "passwordHash" FROM users
        WHERE email = $1 AND clerk_user_id IS NULL ORDER BY created_at LIMIT 1`,
      [email],
    );
    const found = rows[0];
    if (found) {
      const unchanged = found.role === 'ADMIN' && found.passwordHash && (await verifyPassword(input.password, found.passwordHash));
      if (!unchanged) {
        await tx.query(`UPDATE users SET role = 'ADMIN', password_hash = $2, updated_at = now() WHERE id = $1`, [found.id, await hashPassword(input.password)]);
      }
      return { id: found.id, email: found.email, name: found.name, created: false };
    }
    const created = await tx.query<StaffMember>(`INSERT INTO users (email, role, password_hash) VALUES ($1, 'ADMIN', $2) RETURNING id, email, name`, [
      email,
      await hashPassword(input.password),
    ]);
    return { ...created.rows[0], created: true };
  });
}

/** The staff member with this email and password, or null (same cost either way). */
export async function authenticateStaff(pool: pg.Pool, email: string, password: string): Promise<StaffMember | null> {
  const { rows } = await pool.query<StaffMember & { passwordHash: string }>(
    `SELECT id, email, name, password_hash AS "passwordHash" FROM users
      WHERE email = $1 AND role = 'ADMIN' AND password_hash IS NOT NULL ORDER BY created_at LIMIT 1`,
    [normalizeEmail(email)],
  );
  const found = rows[0];
  if (!found) return verifyAgainstDecoy(password).then(() => null);
  if (!(await verifyPassword(password, found.passwordHash))) return null;
  return { id: found.id, email: found.email, name: found.name };
}

/** Whether a signed-in staff member still is one (demoted or removed staff lose access at once). */
export async function isStaff(pool: pg.Pool, userId: string): Promise<boolean> {
  const { rowCount } = await pool.query(`SELECT 1 FROM users WHERE id = $1 AND role = 'ADMIN'`, [userId]);
  return rowCount === 1;
}
