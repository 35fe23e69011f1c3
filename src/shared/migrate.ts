import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRISMA_CLI = fileURLToPath(new URL('../../node_modules/prisma/build/index.js', import.meta.url));

/** Applies pending migrations with Prisma's own `migrate deploy` (Wasm engine, offline). */
export async function migrate(databaseUrl: string): Promise<void> {
  await run(process.execPath, ['--import', './prisma/cli-preload.mjs', PRISMA_CLI, 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  }).catch((err: { stdout?: string; stderr?: string }) => {
    throw new Error(`Migration failed: ${(err.stderr || err.stdout || String(err)).trim().split('\n').slice(-6).join('\n')}`);
  });
}
