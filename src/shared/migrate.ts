import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));
const PRISMA_CLI = fileURLToPath(new URL('../../node_modules/prisma/build/index.js', import.meta.url));

/** True when every migration folder is recorded as finished: a warm start skips the CLI (~3 s). */
async function upToDate(databaseUrl: string): Promise<boolean> {
  const expected = readdirSync(MIGRATIONS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return expected.every((name) => applied.has(name));
  } catch {
    return false; // no migrations table yet
  } finally {
    await client.end();
  }
}

/** Applies pending migrations with Prisma's own `migrate deploy` (Wasm engine, offline). */
export async function migrate(databaseUrl: string): Promise<void> {
  if (await upToDate(databaseUrl)) return;
  await run(process.execPath, ['--import', './prisma/cli-preload.mjs', PRISMA_CLI, 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  }).catch((err: { stdout?: string; stderr?: string }) => {
    throw new Error(`Migration failed: ${(err.stderr || err.stdout || String(err)).trim().split('\n').slice(-6).join('\n')}`);
  });
}
