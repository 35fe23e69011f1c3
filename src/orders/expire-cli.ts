// One expiry pass from the command line: `npm run orders:expire`.
// Uses DATABASE_URL, or else the embedded PostgreSQL of a running `npm start`.
import 'dotenv/config';
import { loadConfig } from '../config.js';
import { createDb } from '../shared/db.js';
import { runExpiryPass } from './expiry-job.js';

const config = loadConfig();
const url = config.DATABASE_URL ?? `postgresql://postgres:postgres@127.0.0.1:${config.EMBEDDED_PG_PORT}/shop`;
const db = createDb(url, 2);
try {
  const result = await runExpiryPass(db.pool, { idempotencyTtlHours: config.IDEMPOTENCY_TTL_HOURS });
  console.log(`Expired ${result.expiredOrders} order(s); forgot ${result.forgottenKeys} idempotency key(s).`);
} catch (err) {
  console.error(`Expiry failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
