import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Config } from '../config.js';
import { saveStaffAccount } from './staff-accounts.js';

export const DEV_STAFF_EMAIL = 'admin@shop.localhost';

/** The development staff password under DATA_DIR: made on first use, the same on every start. */
function devStaffPassword(dataDir: string): string {
  const file = path.join(dataDir, 'dev-admin-password');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(12).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export type FirstStaffAccount = { email: string; source: 'configured' | 'development'; password?: string };

/**
 * The first staff account at start-up: from ADMIN_EMAIL/ADMIN_PASSWORD when set; in development
 * without them, a local account whose password the caller prints so `npm start` can be used at
 * once. Elsewhere nothing (staff accounts come from `npm run admin:create`).
 */
export async function ensureFirstStaffAccount(config: Config, pool: pg.Pool): Promise<FirstStaffAccount | undefined> {
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const staff = await saveStaffAccount(pool, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
    return { email: staff.email, source: 'configured' };
  }
  if (config.NODE_ENV !== 'development') return undefined;
  const password = devStaffPassword(config.DATA_DIR);
  await saveStaffAccount(pool, { email: DEV_STAFF_EMAIL, password });
  return { email: DEV_STAFF_EMAIL, source: 'development', password };
}
