import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Router } from 'express';
import type { ClerkOptions } from '../../src/auth/clerk-options.js';
import supertest from 'supertest';
import { createApp, type AppDeps } from '../../src/app.js';
import { configuredProviders, type Providers } from '../../src/payments/providers/registry.js';
import { configuredMediaStorage } from '../../src/media/configured-storage.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { createLogger } from '../../src/shared/logger.js';
import { startHttpServer } from '../../src/shared/http-server.js';
import { signSessionToken, type TokenClaims } from '../../src/auth/dev-keys.js';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/auth/dev-keys.js';
import type { RefundOrder } from '../../src/orders/staff-actions.js';
import { startJobEngine, type JobEngine } from '../../src/jobs/job-engine.js';
import { JOB_DEFINITIONS } from '../../src/job-definitions.js';
import { createMailer } from '../../src/notifications/mailer.js';
import { unbalancedStock } from './stock-ledger.js';
import { startFakeStripe, type FakeStripe } from './fake-stripe.js';
import { startFakeSslcommerz, type FakeSslcommerz } from './fake-sslcommerz.js';

const adminUrl = () => process.env.TEST_PG_ADMIN_URL!;

/**
 * A fresh database cloned from the migrated template: each test file owns its data.
 * `empty: true` gives one with no tables at all, for tests of migrating.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `shop_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${options.empty ? 'template0' : process.env.TEST_PG_TEMPLATE}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const unbalanced = options.empty ? [] : await withClient(url.toString(), unbalancedStock);
      await withClient(adminUrl(), (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      if (unbalanced.length)
        throw new Error(`The stock ledger does not add up to the stock of ${unbalanced.length} variant(s): ${JSON.stringify(unbalanced.slice(0, 5))}`);
    },
  };
}

async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_POOL_SIZE: '10',
    JOBS_POLL_INTERVAL_SECONDS: '0.5',
    ...overrides,
  });
}

export type TestApp = {
  app: ReturnType<typeof createApp>;
  db: Db;
  config: Config;
  request: ReturnType<typeof supertest>;
  /** the job engine, with workers when the app was started with `jobs: true` (else without) */
  jobs: JobEngine;
  /** Listens on a loopback port, for tests that need a real URL (two instances, gateways). */
  listen(): Promise<string>;
  close(): Promise<void>;
};

/** What main.ts builds the staff panel from: the app's dependencies and the job engine's pg-boss. */
type PanelDeps = Omit<AppDeps, 'adminRouter'> & { boss: PgBoss };

type StartOptions = {
  databaseUrl: string;
  env?: Record<string, string>;
  /** builds the staff panel; left out, the app has none */
  adminRouter?: (deps: PanelDeps) => Promise<Router>;
  /** the providers the app is composed with; by default the ones `env` configures */
  providers?: (config: Config) => Providers;
  /** run the background jobs' workers in this app, as `npm start` does */
  jobs?: boolean;
};

/** The real app (real Clerk middleware, real database) built like main.ts builds it. Prefer useTestShop. */
export async function startTestApp(options: StartOptions): Promise<TestApp> {
  const config = testConfig({ DATABASE_URL: options.databaseUrl, ...options.env });
  const db = createDb(options.databaseUrl, config.DATABASE_POOL_SIZE);
  const logger = createLogger(config.LOG_LEVEL);
  const clerk: ClerkOptions = {
    secretKey: 'sk_test_tests',
    publishableKey: LOCAL_PUBLISHABLE_KEY,
    jwtKey: process.env.TEST_CLERK_PUBLIC_KEY!,
    authorizedParties: config.CLERK_AUTHORIZED_PARTIES.length ? config.CLERK_AUTHORIZED_PARTIES : undefined,
    local: false,
  };
  const deps = { config, db, logger, clerk, providers: (options.providers ?? configuredProviders)(config), media: configuredMediaStorage(config, db.pool) };
  const mailer = createMailer(config);
  const jobs = await startJobEngine({
    deps: { pool: db.pool, logger, config, providers: deps.providers, mailer },
    definitions: JOB_DEFINITIONS,
    workers: options.jobs ?? false,
    pollingIntervalSeconds: config.JOBS_POLL_INTERVAL_SECONDS,
  });
  const app = createApp({ ...deps, adminRouter: await options.adminRouter?.({ ...deps, boss: jobs.boss }) });
  let server: Server | undefined;
  return {
    app,
    db,
    config,
    request: supertest(app),
    jobs,
    async listen() {
      const started = await startHttpServer(app, 0, '127.0.0.1', {
        headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
      });
      server = started.server;
      return `http://127.0.0.1:${started.port}`;
    },
    async close() {
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server!.close(resolve));
      }
      await jobs.stop();
      mailer.close();
      await db.close();
    },
  };
}

/** A session token signed with this run's key, like one Clerk would issue. */
export function tokenFor(userId: string, claims: Omit<TokenClaims, 'userId'> = {}): Promise<string> {
  return signSessionToken(process.env.TEST_CLERK_PRIVATE_KEY!, { userId, ...claims });
}

export const uniqueId = (prefix = 'u') => `${prefix}_${randomBytes(6).toString('hex')}`;

/** A test file's own database (and a pool on it): made in beforeAll, closed and dropped in afterAll. */
export function useTestDatabase(poolSize = 4): { readonly url: string; readonly db: Db } {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url, poolSize);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTestDatabase: the database is made in beforeAll');
    return value;
  };
  return {
    get url() {
      return ready(database).url;
    },
    get db() {
      return ready(db);
    },
  };
}

/** Building the staff panel takes seconds, more on a busy machine. */
const PANEL_START_TIMEOUT_MS = 120_000;

export type ShopOptions = {
  /** settings beside the test defaults (testConfig) */
  env?: Record<string, string>;
  /** start the fake Stripe (test/helpers/fake-stripe.ts) and configure the app for it */
  fakeStripe?: boolean;
  /** start the fake SSLCommerz (test/helpers/fake-sslcommerz.ts) and configure the app for it */
  fakeSslcommerz?: boolean;
  /** mount the staff panel (admin/); slow to build, so only for the files that test it */
  adminPanel?: boolean | { refundOrder?: RefundOrder };
  /** the payment providers the app is composed with; by default the ones the settings enable */
  providers?: (config: Config) => Providers;
  /** run the background jobs' workers in the shop's app (not in `another`'s, unless asked) */
  jobs?: boolean;
};

export type TestShop = TestApp & {
  readonly stripe: FakeStripe;
  readonly sslcommerz: FakeSslcommerz;
  /** another app instance on the same database, with these settings (not this shop's); closed with the shop */
  another(env?: Record<string, string>): Promise<TestApp>;
  /** another instance for one piece of work, closed after it */
  withAnother<T>(env: Record<string, string>, work: (app: TestApp) => Promise<T>): Promise<T>;
};

/**
 * A test file's own database and app (with the fakes and the panel it asks for): made in
 * beforeAll, closed and dropped in afterAll. Call at the top of the file; the returned shop can
 * be used from the first hook on.
 */
export function useTestShop(options: ShopOptions = {}): TestShop {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let started: TestApp | undefined;
  let stripe: FakeStripe | undefined;
  let sslcommerz: FakeSslcommerz | undefined;
  const others: TestApp[] = [];
  // AdminJS takes seconds to load: start loading it now, not in the hook that waits for it
  const adminModule = options.adminPanel ? import('../../admin/index.js') : undefined;
  const appOptions = async (databaseUrl: string, settings: Record<string, string>, jobs = false): Promise<StartOptions> => {
    const panel = options.adminPanel;
    const adminRouter = panel
      ? async (deps: PanelDeps) => {
          const { buildAdminRouter } = await adminModule!;
          return buildAdminRouter({ ...deps, refundOrder: typeof panel === 'object' ? panel.refundOrder : undefined });
        }
      : undefined;
    return { databaseUrl, env: settings, providers: options.providers, adminRouter, jobs };
  };
  beforeAll(
    async () => {
      database = await createTestDatabase();
      if (options.fakeStripe) stripe = await startFakeStripe();
      if (options.fakeSslcommerz) sslcommerz = await startFakeSslcommerz();
      started = await startTestApp(await appOptions(database.url, { ...stripe?.env, ...sslcommerz?.env, ...options.env }, options.jobs));
    },
    options.adminPanel ? PANEL_START_TIMEOUT_MS : undefined,
  );
  afterAll(async () => {
    await Promise.all(others.map((other) => other.close()));
    await started?.close();
    await stripe?.close();
    await sslcommerz?.close();
    await database?.drop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useTestShop: ${what} (made in beforeAll, when asked for in the options)`);
    return value;
  };
  const shop = () => ready(started, 'the shop');
  return {
    get app() {
      return shop().app;
    },
    get db() {
      return shop().db;
    },
    get config() {
      return shop().config;
    },
    get request() {
      return shop().request;
    },
    get jobs() {
      return shop().jobs;
    },
    get stripe() {
      return ready(stripe, 'the fake Stripe');
    },
    get sslcommerz() {
      return ready(sslcommerz, 'the fake SSLCommerz');
    },
    listen: () => shop().listen(),
    close: () => shop().close(),
    async another(env = {}) {
      const other = await startTestApp(await appOptions(ready(database, 'the database').url, env));
      others.push(other);
      return other;
    },
    async withAnother(env, work) {
      const other = await startTestApp(await appOptions(ready(database, 'the database').url, env));
      try {
        return await work(other);
      } finally {
        await other.close();
      }
    },
  };
}
