import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import PgBoss from 'pg-boss';

const MIGRATIONS = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

// The lock id Prisma's schema engine takes around `migrate deploy`: holding the same one keeps
// this and a concurrent `prisma migrate deploy` (or another instance starting) from interleaving.
const PRISMA_ADVISORY_LOCK = 72707369;

// Prisma's own history table, created the way its schema engine creates it, so `prisma migrate
// status/deploy/dev` read what this module writes as their own.
const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {}

type Migration = { name: string; sql: string; checksum: string };

function migrationsOnDisk(dir = MIGRATIONS): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations of prisma/migrations with pg, as `prisma migrate deploy` does:
 * same lock, same history rows (name, sha256 checksum, started/finished, one step each), each
 * script in one implicit transaction. Prisma's CLI (Wasm engine) takes seconds to start; this
 * takes milliseconds, and needs nothing beyond pg at run time.
 */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const migrations = migrationsOnDisk();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(HISTORY_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const failed = rows.find((row) => !row.finished_at && !row.rolled_back_at);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed earlier and the database may be half-changed: fix it, then run \`npx prisma migrate resolve --rolled-back ${failed.migration_name}\``,
      );
    }
    const applied = new Set(rows.filter((row) => row.finished_at).map((row) => row.migration_name));
    const pending = migrations.filter((m) => !applied.has(m.name));
    for (const migration of pending) await apply(client, migration);
    // the job queues' tables (pg-boss keeps its own versions, under its own lock)
    await installJobSchema(databaseUrl);
    return pending.map((m) => m.name);
  } finally {
    await client.end(); // ending the session releases the advisory lock
  }
}

async function apply(client: pg.Client, { name, sql, checksum }: Migration): Promise<void> {
  const id = randomUUID();
  await client.query('INSERT INTO "_prisma_migrations" (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)', [id, checksum, name]);
  try {
    await client.query(sql); // simple query protocol: the whole script in one implicit transaction
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await client.query('UPDATE "_prisma_migrations" SET logs = $1 WHERE id = $2', [reason, id]);
    throw new MigrationError(`Migration ${name} failed: ${reason}`);
  }
  await client.query('UPDATE "_prisma_migrations" SET applied_steps_count = applied_steps_count + 1, finished_at = now() WHERE id = $1', [id]);
}

/** The job queues' schema (src/jobs/job-engine.ts): pg-boss's own tables. */
export const JOB_SCHEMA = 'pgboss';

/** Creates pg-boss's tables, or brings them up to this pg-boss version. */
async function installJobSchema(databaseUrl: string): Promise<void> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: JOB_SCHEMA, max: 1, supervise: false, schedule: false, migrate: true });
  boss.on('error', () => {}); // start() rejects with the same error
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
}
