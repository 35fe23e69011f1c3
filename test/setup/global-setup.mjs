// Starts (or reuses, with TEST_DATABASE_URL) a real PostgreSQL and migrates one template
// database; every test file then clones its own database from it (test/helpers/test-db.ts).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { tsImport } from 'tsx/esm/api';

// The app's own modules, loaded through tsx: jest does not transform a global setup's imports.
const load = (module) => tsImport(module, import.meta.url);

// The same embedded server `npm start` runs (so root in a 0700 folder works here too).
async function startEmbedded() {
  const { startEmbeddedPostgres } = await load('../../src/shared/embedded-postgres.ts');
  const { freePort } = await load('../helpers/ports.ts');
  const server = await startEmbeddedPostgres({
    dir: mkdtempSync(path.join(tmpdir(), 'shop-test-pg-')),
    port: await freePort(),
    database: 'postgres',
    settings: { max_connections: '300', fsync: 'off' },
  });
  globalThis.__embeddedPostgres = server;
  return server.url;
}

export default async function globalSetup(_globalConfig, projectConfig) {
  if (projectConfig?.testPathIgnorePatterns?.some((pattern) => pattern.includes('/test/e2e/'))) {
    const browser = existsSync('/usr/bin/chromium') ? 'chromium found' : 'chromium missing: test/e2e/install-chromium.sh installs it';
    process.stdout.write(`\nThe browser suite (test/e2e) is not part of this run: run it with \`npm run test:e2e\` (${browser}).\n`);
  }
  const adminUrl = process.env.TEST_DATABASE_URL || (await startEmbedded());
  const template = `shop_tpl_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  // Migrated as `npm start` migrates (test/migrations.test.ts checks Prisma's CLI agrees).
  const { migrate } = await load('../../src/shared/migrate.ts');
  await migrate(templateUrl.toString());
  const { addTestDelivery } = await load('../helpers/delivery-fixtures.ts');
  const templateDb = new pg.Client({ connectionString: templateUrl.toString() });
  await templateDb.connect();
  await addTestDelivery(templateDb);
  await templateDb.end();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  // Workers are forked after this and inherit the environment.
  Object.assign(process.env, {
    // Clerk's SDK would print its telemetry notice in every test file and try to reach Clerk.
    CLERK_TELEMETRY_DISABLED: '1',
    TEST_PG_ADMIN_URL: adminUrl,
    TEST_PG_TEMPLATE: template,
    TEST_CLERK_PUBLIC_KEY: publicKey,
    TEST_CLERK_PRIVATE_KEY: privateKey,
  });
}
