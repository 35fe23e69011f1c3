import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import pg from 'pg';
import type { Router } from 'express';
import type { ClerkOptions } from '../../src/auth/clerk-options.js';
import supertest from 'supertest';
import { createApp, type AppDeps } from '../../src/app.js';
import { configuredProviders, type Providers } from '../../src/payments/providers/registry.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { createLogger } from '../../src/shared/logger.js';
import { startHttpServer } from '../../src/shared/http-server.js';
import { signSessionToken, type TokenClaims } from '../../src/auth/dev-keys.js';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/auth/dev-keys.js';

const adminUrl = () => process.env.TEST_PG_ADMIN_URL!;

/** A fresh database cloned from the migrated template: each test file owns its data. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `shop_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.TEST_PG_TEMPLATE}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_POOL_SIZE: '10',
    EXPIRY_JOB_INTERVAL_SECONDS: '0',
    ...overrides,
  });
}

export type TestApp = {
  app: ReturnType<typeof createApp>;
  db: Db;
  config: Config;
  request: ReturnType<typeof supertest>;
  /** Listens on a loopback port, for tests that need a real URL (two instances, gateways). */
  listen(): Promise<string>;
  close(): Promise<void>;
};

/** The real app (real Clerk middleware, real database) built like main.ts builds it. */
export async function startTestApp(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  /** builds the staff panel (test/helpers/admin-fixtures.ts); left out, the app has none */
  adminRouter?: (deps: Omit<AppDeps, 'adminRouter'>) => Promise<Router>;
  /** the providers the app is composed with; by default the ones `env` configures */
  providers?: (config: Config) => Providers;
}): Promise<TestApp> {
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
  const deps = { config, db, logger, clerk, providers: (options.providers ?? configuredProviders)(config) };
  const app = createApp({ ...deps, adminRouter: await options.adminRouter?.(deps) });
  let server: Server | undefined;
  return {
    app,
    db,
    config,
    request: supertest(app),
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
      await db.close();
    },
  };
}

/** A session token signed with this run's key, like one Clerk would issue. */
export function tokenFor(userId: string, claims: Omit<TokenClaims, 'userId'> = {}): Promise<string> {
  return signSessionToken(process.env.TEST_CLERK_PRIVATE_KEY!, { userId, ...claims });
}

export const uniqueId = (prefix = 'u') => `${prefix}_${randomBytes(6).toString('hex')}`;

/**
 * A test file's own database and app: made in beforeAll, closed and dropped in afterAll.
 * Call at the top of the file; the returned shop can be used from the first hook on.
 */
export function useTestShop(): TestApp {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let started: TestApp | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    started = await startTestApp({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await started?.close();
    await database?.drop();
  });
  const shop = () => {
    if (!started) throw new Error('useTestShop: the shop starts in beforeAll');
    return started;
  };
  return {
    get app() { return shop().app; },
    get db() { return shop().db; },
    get config() { return shop().config; },
    get request() { return shop().request; },
    listen: () => shop().listen(),
    close: () => shop().close(),
  };
}
