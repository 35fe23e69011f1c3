// Entry point: configuration, database (embedded by default), migrations, seed, HTTP server.
import 'dotenv/config';
import path from 'node:path';
import { loadConfig, localUrl } from './config.js';
import { createLogger } from './shared/logger.js';
import { startEmbeddedPostgres } from './shared/embedded-postgres.js';
import { checkDatabase } from './shared/database-check.js';
import { StartupError } from './startup-error.js';
import { migrate } from './shared/migrate.js';
import { ServiceUnavailable } from './shared/errors.js';
import type { RequestHandler, Router } from 'express';
import { resolveClerkOptions } from './auth/clerk-options.js';

// The app's modules take a second or more to load: a first start loads them while initdb runs
// (other processes, other cores) instead of before it.
const loadAppModules = () =>
  Promise.all([
    import('./shared/db.js'),
    import('./shared/http-server.js'),
    import('./app.js'),
    import('./payments/providers/registry.js'),
    import('./media/configured-storage.js'),
    import('./jobs/job-engine.js'),
    import('./job-definitions.js'),
    import('./notifications/mailer.js'),
    import('./auth/first-staff-account.js'),
    import('../prisma/demo-catalog.js'),
    import('../prisma/demo-orders.js'),
    import('../prisma/demo-images.js'),
  ]);

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const clerk = resolveClerkOptions(config);
  // AdminJS takes seconds to load, mostly on the main thread: it loads once the API
  // serves (the panel answers 503 until then), so it holds up neither the database steps nor /readyz.
  // eslint-disable-next-line prefer-const -- assigned once the panel is built, and read by the router above before that
  let panel: Router | undefined;
  const adminRouter: RequestHandler = (req, res, next) =>
    panel ? panel(req, res, next) : next(new ServiceUnavailable('The staff panel is starting; try again in a few seconds'));

  const appModules = loadAppModules();
  appModules.catch(() => {}); // awaited below; this only keeps a failure from being "unhandled" meanwhile
  let databaseUrl = config.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({ dir: path.join(config.DATA_DIR, 'pg'), port: config.EMBEDDED_PG_PORT, database: 'shop', logger });
    databaseUrl = embedded.url;
    stopEmbedded = embedded.stop;
    logger.info({ port: config.EMBEDDED_PG_PORT }, 'embedded PostgreSQL started');
  }
  await checkDatabase(databaseUrl);
  await migrate(databaseUrl);
  const [
    { createDb },
    { startHttpServer },
    { createApp, createHealthApp },
    { configuredProviders },
    { configuredMediaStorage },
    { startJobEngine, logUnhandledRejections },
    { JOB_DEFINITIONS },
    { createMailer },
    { ensureFirstStaffAccount },
    { seedDemoCatalogIfEmpty },
    { seedDemoOrders },
    { seedDemoImages },
  ] = await appModules;
  const db = createDb(databaseUrl, config.DATABASE_POOL_SIZE);
  if (stopEmbedded) {
    const products = await seedDemoCatalogIfEmpty(db.prisma, config.STORE_CURRENCY);
    if (products) logger.info({ products }, 'demo catalog seeded');
    const orders = await seedDemoOrders(db.pool);
    if (orders) logger.info({ orders }, 'demo orders seeded');
  }

  const firstStaff = await ensureFirstStaffAccount(config, db.pool);
  const { server, port } = await startHttpServer(undefined, config.PORT, config.HOST, {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
  });
  // The public URLs default to the bound port (PORT=0 picks one). No request is read before the
  // app is attached: nothing below awaits.
  const listening = loadConfig(process.env, { port });
  const providers = configuredProviders(listening);
  const media = configuredMediaStorage(listening, db.pool);
  const role = config.PROCESS_ROLE;
  // A worker serves only the health probes, for its orchestrator.
  server.on('request', role === 'worker' ? createHealthApp(db, logger) : createApp({ config: listening, db, logger, clerk, providers, media, adminRouter }));
  // After the app is attached (a request meanwhile would wait for a listener that never comes):
  // the demo's pictures go to the storage the app serves them from.
  if (stopEmbedded) {
    const images = await seedDemoImages(db.pool, media);
    if (images) logger.info({ images }, 'demo product images seeded');
  }
  const mailer = createMailer(config);
  logUnhandledRejections(logger);
  const jobs = await startJobEngine({
    deps: { pool: db.pool, logger, config: listening, providers, mailer },
    definitions: JOB_DEFINITIONS,
    workers: role !== 'api',
    pollingIntervalSeconds: config.JOBS_POLL_INTERVAL_SECONDS,
  });
  logger.info({ role }, role === 'api' ? 'background jobs: left to the worker processes' : 'background jobs: running');
  // Ready to drain from the moment it serves: /readyz answers 200 while the panel is still building.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining connections');
    const forced = setTimeout(() => process.exit(1), 10_000).unref();
    server.closeIdleConnections();
    await new Promise((resolve) => server.close(resolve));
    await jobs.stop();
    mailer.close();
    await db.close();
    await stopEmbedded?.();
    clearTimeout(forced);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  if (role === 'worker') return;
  panel = await (await import('../admin/index.js')).buildAdminRouter({ config: listening, db, logger, clerk, providers, media, boss: jobs.boss });
  const base = localUrl(config.HOST, port);
  logger.info(`API     ${base}/api/products`);
  logger.info(`Docs    ${base}/docs`);
  logger.info(`Admin   ${base}/admin`);
  if (firstStaff?.password) logger.info(`Staff sign-in (development account): ${firstStaff.email} / ${firstStaff.password}`);
  else if (firstStaff) logger.info(`Staff sign-in: ${firstStaff.email} (password from ADMIN_PASSWORD)`);
  else logger.info('Staff sign-in: no ADMIN_EMAIL/ADMIN_PASSWORD set; create an account with `npm run admin:create -- --email <email> --password <password>`');
  if (clerk.local) logger.info('Identity: local development keys; get a token with `npm run token -- --user <id> [--role admin]`');
}

// One line, never a stack trace: a StartupError names the cause and the fix; anything else is
// unexpected, and its message alone is more use to an operator than a trace of our internals.
main().catch((err) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(err instanceof StartupError ? message : `Start-up failed: ${message.replace(/\s*\n\s*/g, ' | ')}`);
  process.exit(1);
});
