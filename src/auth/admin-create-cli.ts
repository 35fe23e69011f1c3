// `npm run admin:create -- --email <email> --password <password>`: creates a staff account for
// the panel, or sets its password. Uses DATABASE_URL, or the embedded development database
// (the one `npm start` runs; started here for the moment when it is not running).
import 'dotenv/config';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../shared/logger.js';
import { embeddedDatabaseUrl, startEmbeddedPostgres } from '../shared/embedded-postgres.js';
import { migrate } from '../shared/migrate.js';
import { saveStaffAccount } from './staff-accounts.js';

const USAGE = 'Usage: npm run admin:create -- --email <email> --password <at least 8 characters>';
const input = z.object({
  email: z.email('--email must be an email address'),
  password: z.string('--password is required').min(8, '--password needs at least 8 characters'),
});

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function main() {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' } } });
  const parsed = input.safeParse(values);
  if (!parsed.success) throw new ConfigError(`${parsed.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
  const config = loadConfig();

  let url = config.DATABASE_URL ?? embeddedDatabaseUrl(config.EMBEDDED_PG_PORT, 'shop');
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!config.DATABASE_URL && !(await reachable(url))) {
    const embedded = await startEmbeddedPostgres({
      dir: path.join(config.DATA_DIR, 'pg'),
      port: config.EMBEDDED_PG_PORT,
      database: 'shop',
      logger: createLogger('warn'),
    });
    url = embedded.url;
    stopEmbedded = embedded.stop;
    await migrate(url);
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const staff = await saveStaffAccount(pool, parsed.data);
    console.log(`${staff.created ? 'Created' : 'Updated'} staff account ${staff.email}: sign in at ${config.PUBLIC_BASE_URL}/admin`);
  } finally {
    await pool.end();
    await stopEmbedded?.();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `admin:create failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
