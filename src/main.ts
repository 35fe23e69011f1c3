// Entry point: configuration, database (embedded by default), migrations, seed, HTTP server.
import 'dotenv/config';
import path from 'node:path';
import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './shared/logger.js';
import { createDb } from './shared/db.js';
import { startEmbeddedPostgres } from './shared/embedded-postgres.js';
import { migrate } from './shared/migrate.js';
import { startHttpServer } from './shared/http-server.js';
import { ServiceUnavailable } from './shared/errors.js';
import type { RequestHandler, Router } from 'express';
import { resolveClerkOptions } from './auth/clerk-options.js';
import { createApp } from './app.js';
import { configuredProviders } from './payments/providers/registry.js';
import { startExpiryJob } from './orders/expiry-job.js';
import { ensureFirstStaffAccount } from './auth/first-staff-account.js';
import { seedDemoCatalog } from '../prisma/demo-catalog.js';
import { seedDemoOrders } from '../prisma/demo-orders.js';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const clerk = resolveClerkOptions(config);
  const providers = configuredProviders(config);
  // AdminJS takes seconds to load: it loads while the database starts, and the API serves
  // before the panel is built (the panel answers 503 until then).
  const adminPanel = import('../admin/index.js');
  let panel: Router | undefined;
  const adminRouter: RequestHandler = (req, res, next) =>
    panel ? panel(req, res, next) : next(new ServiceUnavailable('The staff panel is starting; try again in a few seconds'));

  let databaseUrl = config.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({ dir: path.join(config.DATA_DIR, 'pg'), port: config.EMBEDDED_PG_PORT, database: 'shop', logger });
    databaseUrl = embedded.url;
    stopEmbedded = embedded.stop;
    logger.info({ port: config.EMBEDDED_PG_PORT }, 'embedded PostgreSQL started');
  }
  await migrate(databaseUrl);
  const db = createDb(databaseUrl, config.DATABASE_POOL_SIZE);
  if (stopEmbedded && (await db.prisma.product.count()) === 0) {
    logger.info({ products: await seedDemoCatalog(db.prisma, config.STORE_CURRENCY) }, 'demo catalog seeded');
  }
  if (stopEmbedded) {
    const orders = await seedDemoOrders(db.pool);
    if (orders) logger.info({ orders }, 'demo orders seeded');
  }

  const firstStaff = await ensureFirstStaffAccount(config, db.pool);
  const app = createApp({ config, db, logger, clerk, providers, adminRouter });
  const { server } = await startHttpServer(app, config.PORT, config.HOST, {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
  });
  const expiryJob = startExpiryJob(db.pool, { intervalSeconds: config.EXPIRY_JOB_INTERVAL_SECONDS, idempotencyTtlHours: config.IDEMPOTENCY_TTL_HOURS, logger });
  panel = await (await adminPanel).buildAdminRouter({ config, db, logger, clerk, providers });
  const base = `http://localhost:${config.PORT}`;
  logger.info(`API     ${base}/api/products`);
  logger.info(`Docs    ${base}/docs`);
  logger.info(`Admin   ${base}/admin`);
  if (firstStaff?.password) logger.info(`Staff sign-in (development account): ${firstStaff.email} / ${firstStaff.password}`);
  else if (firstStaff) logger.info(`Staff sign-in: ${firstStaff.email} (password from ADMIN_PASSWORD)`);
  else logger.info('Staff sign-in: no ADMIN_EMAIL/ADMIN_PASSWORD set; create an account with `npm run admin:create -- --email <email> --password <password>`');
  if (clerk.local) logger.info('Identity: local development keys; get a token with `npm run token -- --user <id> [--role admin]`');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining connections');
    const forced = setTimeout(() => process.exit(1), 10_000).unref();
    server.closeIdleConnections();
    await new Promise((resolve) => server.close(resolve));
    await expiryJob.stop();
    await db.close();
    await stopEmbedded?.();
    clearTimeout(forced);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `Start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
