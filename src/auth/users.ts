import type pg from 'pg';

export type Role = 'CUSTOMER' | 'ADMIN';
export type CurrentUser = { id: string; clerkUserId: string; email: string | null; name: string | null; role: Role };
export type Identity = { clerkUserId: string; email: string | null; name: string | null; role: Role };

/**
 * The local user row for a verified identity. One read in the steady state; the row is
 * created or refreshed with an upsert, so two first requests at once still make one row.
 */
export async function userForIdentity(pool: pg.Pool, identity: Identity): Promise<CurrentUser> {
  const found = await pool.query<CurrentUser>(`SELECT id, clerk_user_id AS "clerkUserId", email, name, role FROM users WHERE clerk_user_id = $1`, [
    identity.clerkUserId,
  ]);
  const row = found.rows[0];
  if (row && row.role === identity.role && (identity.email ?? row.email) === row.email && (identity.name ?? row.name) === row.name) {
    return row;
  }
  const saved = await pool.query<CurrentUser>(
    `INSERT INTO users (clerk_user_id, email, name, role) VALUES ($1, $2, $3, $4::"Role")
     ON CONFLICT (clerk_user_id) DO UPDATE
       SET email = COALESCE(EXCLUDED.email, users.email),
           name = COALESCE(EXCLUDED.name, users.name),
           role = EXCLUDED.role,
           updated_at = now()
     RETURNING id, clerk_user_id AS "clerkUserId", email, name, role`,
    [identity.clerkUserId, identity.email, identity.name, identity.role],
  );
  return saved.rows[0];
}
