// src/shared/migrate.ts applies prisma/migrations with pg and records them as Prisma does:
// Prisma's own CLI must read that history as its own, and the reverse.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrate, MigrationError } from '../src/shared/migrate.js';
import { createTestDatabase } from './helpers/test-app.js';

const run = promisify(execFile);
const names = readdirSync('prisma/migrations', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const prisma = (databaseUrl: string, ...args: string[]) =>
  run(process.execPath, ['--import', './prisma/cli-preload.mjs', 'node_modules/prisma/build/index.js', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_OPTIONS: '', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    timeout: 60_000,
  });

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeEach(async () => {
  database = await createTestDatabase({ empty: true });
});
afterEach(async () => {
  await database.drop();
});

describe('migrate', () => {
  test('when the database is empty, then every migration is applied and recorded as Prisma records it, and `prisma migrate status` agrees', async () => {
    const applied = await migrate(database.url);

    expect(applied).toEqual(names);
    const rows = await query<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: Date | null }>(
      database.url,
      'SELECT migration_name, checksum, applied_steps_count, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count, r.finished_at instanceof Date])).toEqual(
      names.map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(`prisma/migrations/${name}/migration.sql`))
          .digest('hex'),
        1,
        true,
      ]),
    );
    const status = await prisma(database.url, 'migrate', 'status');
    expect(status.stdout).toMatch(/Database schema is up to date/);
    await expect(migrate(database.url)).resolves.toEqual([]);
  });

  test('when Prisma migrated the database, then migrate finds nothing to do', async () => {
    await prisma(database.url, 'migrate', 'deploy');

    await expect(migrate(database.url)).resolves.toEqual([]);
    const [{ n }] = await query<{ n: number }>(database.url, 'SELECT count(*)::int AS n FROM _prisma_migrations');
    expect(n).toBe(names.length);
  });

  test('when two instances start at once, then each migration is applied once', async () => {
    const results = await Promise.all([migrate(database.url), migrate(database.url)]);

    expect(results.flat().sort()).toEqual(names);
    const [{ n }] = await query<{ n: number }>(database.url, 'SELECT count(*)::int AS n FROM _prisma_migrations');
    expect(n).toBe(names.length);
  });

  test('when an earlier migration failed halfway, then migrate refuses, naming the migration and the fix, and applies nothing', async () => {
    await query(
      database.url,
      `CREATE TABLE "_prisma_migrations" (id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`,
    );
    await query(database.url, `INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES (gen_random_uuid(), 'x', '${names[0]}')`);

    const failure = migrate(database.url);

    await expect(failure).rejects.toThrow(MigrationError);
    await expect(failure).rejects.toThrow(new RegExp(`${names[0]} failed earlier.*prisma migrate resolve --rolled-back ${names[0]}`));
    const tables = await query<{ n: number }>(database.url, `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(tables[0].n).toBe(1);
  });
});
