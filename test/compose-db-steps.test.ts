// docker-compose.yml's database steps, run as compose runs them (Docker cannot run here): the
// one-shot services the app waits for (`service_completed_successfully`), in dependency order,
// with their own commands and environment, against a fresh database on the test PostgreSQL.
// The commands name the compiled entry points (`node dist/...js`); the test runs the same
// entry points from the sources with tsx, so it needs no build.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse } from 'yaml';
import { createTestDatabase } from './helpers/test-app.js';

const run = promisify(execFile);

type Service = { command?: string[]; environment?: Record<string, string | number>; depends_on?: Record<string, { condition: string }> };
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };

/** The one-shot services `service` waits to see finish, deepest first (compose's start order). */
function stepsBefore(service: string, seen = new Set<string>()): string[] {
  const steps: string[] = [];
  for (const [dependency, { condition }] of Object.entries(compose.services[service].depends_on ?? {})) {
    if (condition !== 'service_completed_successfully' || seen.has(dependency)) continue;
    seen.add(dependency);
    steps.push(...stepsBefore(dependency, seen), dependency);
  }
  return steps;
}

/** `node dist/<path>.js args` from the compose file, as `node --import tsx <path>.ts args`. */
function fromSources(command: string[]): string[] {
  const [program, entry, ...args] = command;
  expect(program).toBe('node');
  const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
  expect(existsSync(source)).toBe(true);
  return ['--import', 'tsx', source, ...args];
}

async function runStep(name: string, databaseUrl: string) {
  const { command, environment } = compose.services[name];
  const env = { ...process.env, ...environment, DATABASE_URL: databaseUrl, NODE_OPTIONS: '' };
  return run(process.execPath, fromSources(command!), { env, timeout: 60_000 });
}

async function catalog(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const products = await client.query<{ n: number; forSale: number }>(
      'SELECT count(*)::int AS n, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id))::int AS "forSale" FROM products p',
    );
    const migrations = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL');
    return { products: products.rows[0].n, withVariant: products.rows[0].forSale, migrations: migrations.rows[0].n };
  } finally {
    await client.end();
  }
}

const steps = stepsBefore('app');
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeEach(async () => {
  database = await createTestDatabase({ empty: true });
});
afterEach(async () => {
  await database.drop();
});

describe('docker compose up: the database steps', () => {
  test('the app waits for migrate, which the seed waits for, which waits for a healthy database', () => {
    expect(steps).toEqual(['migrate', 'seed']);
    expect(compose.services.migrate.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(compose.services.app.command).toBeUndefined(); // the image's CMD: node dist/src/main.js
  });

  test('when the database is fresh, then the steps migrate it and seed the demo catalog', async () => {
    for (const step of steps) await runStep(step, database.url);

    const after = await catalog(database.url);
    expect(after.products).toBe(33);
    expect(after.withVariant).toBe(33); // each with its variant: a product without one cannot be sold
    expect(after.migrations).toBeGreaterThanOrEqual(2);
  });

  test('when the steps run again (every `up`), then nothing is seeded twice, and a trimmed catalog stays trimmed', async () => {
    for (const step of steps) await runStep(step, database.url);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`DELETE FROM products p WHERE NOT EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id AND v.sku = 'DEMO-001')`);
    await client.end();

    const outputs = [];
    for (const step of steps) outputs.push((await runStep(step, database.url)).stdout.trim());

    expect(outputs).toEqual(['The database is up to date', 'The catalog has products already: not seeding']);
    expect((await catalog(database.url)).products).toBe(1);
  });

  test('when the seed runs before the migrations (the old order), then it fails in one line naming the fix, and creates nothing', async () => {
    const failure = await runStep('seed', database.url).then(
      () => undefined,
      (err: { code: number; stderr: string; stdout: string }) => err,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure?.stderr).toMatch(/^Seeding failed: .*products.*migrate the database first/);
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
    await client.end();
    expect(rows[0].n).toBe(0);
  });
});
