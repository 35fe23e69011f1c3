import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import supertest from 'supertest';
import { configuredMediaStorage } from '../../src/media/configured-storage.js';
import { configuredProviders } from '../../src/payments/providers/registry.js';
import { createApp } from '../../src/app.js';
import { resolveClerkOptions } from '../../src/auth/clerk-options.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/shared/logger.js';
import { useTestDatabase } from '../helpers/test-app.js';

const run = promisify(execFile);
const database = useTestDatabase(2);
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'shop-identity-'));
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local development identity', () => {
  test('when production has no Clerk keys, then start-up stops with a clear message', () => {
    const config = loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, SESSION_SECRET: 's'.repeat(48) });
    expect(() => resolveClerkOptions(config)).toThrow(/CLERK_SECRET_KEY and CLERK_PUBLISHABLE_KEY are required in production/);
  });

  test('when no Clerk keys are set in development, then a local key pair verifies tokens from `npm run token`', async () => {
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const clerk = resolveClerkOptions(config);
    expect(clerk.local).toBe(true);
    expect(existsSync(path.join(dataDir, 'dev-clerk-private.pem'))).toBe(true);
    const app = createApp({
      config,
      db: database.db,
      logger: createLogger('silent'),
      clerk,
      providers: configuredProviders(config),
      media: configuredMediaStorage(config, database.db.pool),
    });
    const env = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development', NODE_OPTIONS: '' };
    const cli = path.resolve('node_modules/.bin/tsx');
    const { stdout } = await run(cli, ['src/auth/token-cli.ts', '--user', 'dev_user_1', '--role', 'admin', '--email', 'dev@shop.test'], { env });

    const res = await supertest(app).get('/api/me').set('Authorization', `Bearer ${stdout.trim()}`).expect(200);

    expect(res.body).toMatchObject({ clerkUserId: 'dev_user_1', role: 'ADMIN', email: 'dev@shop.test' });
  });

  test('when Clerk keys are configured, then the token command refuses to mint', async () => {
    const env = { ...process.env, DATA_DIR: dataDir, CLERK_SECRET_KEY: 'sk_live_x', NODE_OPTIONS: '' };
    await expect(run(path.resolve('node_modules/.bin/tsx'), ['src/auth/token-cli.ts', '--user', 'u1'], { env })).rejects.toMatchObject({ code: 2 });
  });
});
