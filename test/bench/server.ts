// One app instance in its own process, for benchmarks and the reliability suite: the real app
// (as main.ts builds it, without the staff panel) on PORT against DATABASE_URL, with the local
// development identity keys of DATA_DIR. Prints "listening <port>" when ready; SIGTERM drains and exits.
// BENCH_CEILINGS=1 also serves the benchmark's ceilings (ceilings.ts) on a second loopback port,
// through the same pool: "listening <port> ceiling <port>", and counts the SQL statements the
// process sends (GET /ceiling/statements).
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/app.js';
import { createDb } from '../../src/shared/db.js';
import { createLogger } from '../../src/shared/logger.js';
import { startHttpServer } from '../../src/shared/http-server.js';
import { resolveClerkOptions } from '../../src/auth/clerk-options.js';
import { configuredProviders } from '../../src/payments/providers/registry.js';
import { configuredMediaStorage } from '../../src/media/configured-storage.js';
import { logUnhandledRejections, startJobEngine } from '../../src/jobs/job-engine.js';
import { JOB_DEFINITIONS } from '../../src/job-definitions.js';
import { createMailer } from '../../src/notifications/mailer.js';
import { ceilingApp, countStatements } from './ceilings.js';

if (process.env.BENCH_CEILINGS === '1') countStatements();

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL!, config.DATABASE_POOL_SIZE);
const providers = configuredProviders(config);
const media = configuredMediaStorage(config, db.pool);
const app = createApp({ config, db, logger, clerk: resolveClerkOptions(config), providers, media });
const { server, port } = await startHttpServer(app, config.PORT, '127.0.0.1', {
  headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
  requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
});
// the background jobs as main.ts runs them: in this process unless PROCESS_ROLE=api
const mailer = createMailer(config);
logUnhandledRejections(logger);
const jobs = await startJobEngine({
  deps: { pool: db.pool, logger, config, providers, mailer },
  definitions: JOB_DEFINITIONS,
  workers: config.PROCESS_ROLE !== 'api',
  pollingIntervalSeconds: config.JOBS_POLL_INTERVAL_SECONDS,
});
const ceiling =
  process.env.BENCH_CEILINGS === '1'
    ? await startHttpServer(ceilingApp(db.pool, config.STORE_CURRENCY, providers, logger, media), 0, '127.0.0.1', {
        headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
      })
    : undefined;
process.stdout.write(`listening ${port}${ceiling ? ` ceiling ${ceiling.port}` : ''}\n`);

process.on('SIGTERM', async () => {
  for (const open of ceiling ? [server, ceiling.server] : [server]) {
    open.closeIdleConnections();
    await new Promise((resolve) => open.close(resolve));
  }
  await jobs.stop();
  mailer.close();
  await db.close();
  process.exit(0);
});
